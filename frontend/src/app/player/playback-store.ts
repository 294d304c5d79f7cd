import { DestroyRef, Service, computed, inject, signal } from '@angular/core';
import { positionAt, type ControlMode, type SettingsRequest, type SkipThreshold, type Song } from '@musync/protocol';

import { ClockSync } from '../core/clock-sync';
import { RoomSession } from '../core/room-session';
import { SocketClient, type RequestPayload, type RequestResult } from '../core/socket-client';

/** How often the elapsed time is recomputed: enough for m:ss and a smooth-looking bar. */
const ELAPSED_REFRESH_MS = 250;
const SKIP_SECONDS = 10;

type PlaybackCommand =
  | 'playback:play'
  | 'playback:pause'
  | 'playback:next'
  | 'playback:previous'
  | 'playback:skip'
  | 'playback:seek'
  | 'playback:select';

/** The vote to skip the song on now, as the player shows it. */
export interface SkipVoteState {
  readonly votes: number;
  /** Votes that skip it; null while voting is off. */
  readonly needed: number | null;
  /** This person voted to skip it. */
  readonly voted: boolean;
}

/**
 * The room's playback as the player and the playlist show it, and the user's
 * intents as commands. The client hides what the user may not do; the server
 * decides, and a refusal's message is kept for the place the user acted.
 */
@Service()
export class PlaybackStore {
  private readonly session = inject(RoomSession);
  private readonly socket = inject(SocketClient);
  private readonly clock = inject(ClockSync);
  private readonly now = signal(0);
  private readonly _refusal = signal<string | null>(null);
  /** The song a vote to skip is on its way for. */
  private readonly votingFor = signal<string | null>(null);

  readonly playlist = this.session.playlist;
  readonly playback = this.session.playback;
  readonly controlMode = computed<ControlMode>(() => this.session.settings()?.control ?? 'everyone');
  readonly song = computed<Song | null>(() => {
    const songId = this.playback()?.songId;
    return this.playlist().find((s) => s.id === songId) ?? null;
  });
  /** What the room is doing: a song that is loading counts as playing (it starts by itself). */
  readonly playing = computed(() => this.song() !== null && this.playback()?.status !== 'paused');
  readonly duration = computed(() => this.song()?.duration ?? 0);
  /** Seconds into the current song by the room's clock, within [0, duration]. */
  readonly elapsed = computed(() => {
    this.now();
    const playback = this.playback();
    if (!playback || !this.song()) return 0;
    const serverNow = this.clock.serverNow();
    const position = serverNow === null ? playback.position : positionAt(playback, serverNow);
    return Math.min(this.duration(), Math.max(0, position));
  });
  readonly isAdmin = computed(() => {
    const me = this.session.memberId();
    return me !== null && me === this.session.presence()?.adminId;
  });
  /** Play, pause, next, previous, ±10 s and select. */
  readonly canControl = computed(() => this.controlMode() === 'everyone' || this.isAdmin());
  /** The progress bar: the admin only. */
  readonly canSeek = computed(() => this.isAdmin() && this.song() !== null);
  /** The room asks joiners for a passcode (only the server knows which). */
  readonly hasPasscode = computed(() => this.session.settings()?.hasPasscode ?? false);
  readonly skipThreshold = computed<SkipThreshold>(() => this.session.settings()?.skipThreshold ?? 'majority');
  readonly skipVote = computed<SkipVoteState>(() => {
    const skip = this.session.skip();
    const me = this.session.personId();
    // Votes for another song (one that just ended) count for nothing on this one.
    const voters = skip !== null && skip.songId === this.song()?.id ? skip.voterIds : [];
    // The setting is the word on "off" even before the server's skip:updated follows it.
    const needed = this.skipThreshold() === 'off' ? null : (skip?.needed ?? null);
    return { votes: voters.length, needed, voted: me !== null && voters.includes(me) };
  });
  /** Anyone may vote once per song, whoever controls playback, while voting is on. */
  readonly canVoteSkip = computed(() => {
    const songId = this.song()?.id;
    const vote = this.skipVote();
    return songId !== undefined && vote.needed !== null && !vote.voted && this.votingFor() !== songId;
  });
  /** The message of the last refused command, until the next one. */
  readonly refusal = this._refusal.asReadonly();

  constructor() {
    const timer = setInterval(() => this.now.set(performance.now()), ELAPSED_REFRESH_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(timer));
  }

  play(): void {
    // No version: "play" means play whatever happened meanwhile, and the server ignores a repeat.
    if (this.canControl()) void this.send('playback:play', {});
  }

  pause(): void {
    if (this.canControl()) void this.send('playback:pause', {});
  }

  togglePlay(): void {
    if (this.playing()) this.pause();
    else this.play();
  }

  /** Names the song it acts on, so several listeners pressing at once move one song, not several. */
  next(): void {
    const fromSongId = this.playback()?.songId;
    if (this.canControl() && fromSongId) void this.send('playback:next', { fromSongId });
  }

  previous(): void {
    const fromSongId = this.playback()?.songId;
    if (this.canControl() && fromSongId) void this.send('playback:previous', { fromSongId });
  }

  back10(): void {
    this.skip(-SKIP_SECONDS);
  }

  forward10(): void {
    this.skip(SKIP_SECONDS);
  }

  /** Jumps to `position` seconds: the admin's progress bar. */
  seek(position: number): void {
    const playback = this.playback();
    if (!this.canSeek() || !playback || !Number.isFinite(position)) return;
    // The version: a seek made on a view of another song (or another seek) is refused, not misapplied.
    const clamped = Math.min(Math.max(0, position), Math.max(0, this.duration() - 0.001));
    void this.send('playback:seek', { position: clamped, version: playback.version });
  }

  select(songId: string): void {
    if (this.canControl()) void this.send('playback:select', { songId });
  }

  /** Names the song it is for, so a vote cast just as the song changed counts for nothing. */
  voteSkip(): void {
    const songId = this.song()?.id;
    if (songId === undefined || !this.canVoteSkip()) return;
    this._refusal.set(null);
    this.votingFor.set(songId);
    void this.socket.request('playback:vote-skip', { songId }).then((result) => {
      this.votingFor.set(null);
      if (result.ok) this.session.applySkipVote(result.skip);
      else this._refusal.set(result.error.message);
    });
  }

  setControlMode(control: ControlMode): void {
    this.configure({ control });
  }

  setSkipThreshold(skipThreshold: SkipThreshold): void {
    this.configure({ skipThreshold });
  }

  /** A passcode new joiners must give; null lets anyone in again. Members already in stay. */
  setPasscode(passcode: string | null): void {
    this.configure({ passcode });
  }

  /** Sends only the setting that changed: another admin action may have changed the rest meanwhile. */
  configure(change: SettingsRequest): void {
    if (!this.isAdmin()) return;
    this._refusal.set(null);
    void this.socket.request('room:configure', change).then((result) => {
      if (result.ok) this.session.applySettings(result.settings, result.rev);
      else this._refusal.set(result.error.message);
    });
  }

  private skip(by: number): void {
    const playback = this.playback();
    if (!this.canControl() || !playback || !this.song()) return;
    // The version: two listeners pressing +10 s together move the song 10 s, not 20.
    void this.send('playback:skip', { by, version: playback.version });
  }

  private async send<E extends PlaybackCommand>(event: E, payload: RequestPayload<E>): Promise<void> {
    this._refusal.set(null);
    const result: RequestResult<PlaybackCommand> = await this.socket.request(event, payload);
    if (result.ok) this.session.applyPlayback(result.playback);
    else this._refusal.set(result.error.message);
  }
}
