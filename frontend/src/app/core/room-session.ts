import { Service, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import {
  PRESENCE_GAP_MS,
  presenceView,
  receivePresence,
  resyncPresence,
  supersedes,
  type ChatLine,
  type LocalCopies,
  type Playback,
  type Presence,
  type PresenceDelta,
  type PresenceView,
  type RoomSettings,
  type RoomSnapshot,
  type ServerEventName,
  type ServerEventPayload,
  type SkipVotes,
  type Song,
  type SongRequest,
} from '@musync/protocol';
import { type Observable, Subject } from 'rxjs';

import { readSetting, writeSetting } from './browser-storage';
import { clientToken } from './client-token';
import { SocketClient } from './socket-client';

function byLineId(a: ChatLine, b: ChatLine): number {
  return Number(a.id) - Number(b.id);
}

const USERNAME_KEY = 'musync.username';
/**
 * Chat lines kept in memory: the join ack brings the server's recent history
 * (CHAT_HISTORY, 50 by default) and every line after it is appended, so a long
 * session would otherwise grow without end. 200 is several screens to scroll back.
 */
export const CHAT_LINES_KEPT = 200;

/** The parts of the room sent whole: each keeps the revision it was last taken at. */
type Part = 'playlist' | 'playback' | 'settings' | 'requests' | 'skip' | 'copies';
const NO_REVS: Readonly<Record<Part, number>> = { playlist: -1, playback: -1, settings: -1, requests: -1, skip: -1, copies: -1 };

/** Broadcasts held while a join is on its way: the snapshot decides which of them are news. */
const EARLY_KEPT = 1000;

interface JoinTarget {
  readonly roomId: string;
  readonly username: string;
  /** Kept in memory only, so a reconnect can join again; never stored in the browser. */
  readonly passcode?: string;
}

/**
 * This client's membership of one room: joining, rejoining after reconnects, and
 * the room's state as the server last described it (presence, playlist,
 * playback, settings, chat, requests, the vote to skip) from the join snapshot
 * and the broadcasts that follow.
 */
@Service()
export class RoomSession {
  private readonly socket = inject(SocketClient);
  private readonly _memberId = signal<string | null>(null);
  private readonly _personId = signal<string | null>(null);
  private readonly _name = signal<string | null>(null);
  private readonly _presence = signal<Presence | null>(null);
  private readonly _playlist = signal<readonly Song[]>([]);
  private readonly _playback = signal<Playback | null>(null);
  private readonly _settings = signal<RoomSettings | null>(null);
  private readonly _chat = signal<readonly ChatLine[]>([]);
  private readonly _requests = signal<readonly SongRequest[]>([]);
  private readonly _skip = signal<SkipVotes | null>(null);
  private readonly _copies = signal<LocalCopies>({});
  private readonly _joinError = signal<string | null>(null);
  private readonly _joinErrorCode = signal<string | null>(null);
  private readonly _adminClaimable = signal(false);
  private readonly _joining = signal(false);
  private readonly playbackChanges = new Subject<void>();
  /** The room this client means to be in; every new connection joins it again. */
  private target: JoinTarget | null = null;
  /** Only the answer to the latest join attempt counts. */
  private attempt = 0;
  /** The revision each whole part was taken at: an older broadcast (another node's, overtaken) is dropped. */
  private revs: Record<Part, number> = { ...NO_REVS };
  /** Presence as deltas in revision order; null until joined. */
  private view: PresenceView | null = null;
  /** Armed while a presence delta waits for a missing one; when it fires, a snapshot is asked for. */
  private gapTimer: ReturnType<typeof setTimeout> | null = null;
  /** Set while a join's answer is on its way: broadcasts wait for its snapshot, then replay. */
  private awaitingSnapshot = false;
  private early: (() => void)[] = [];

  readonly memberId = this._memberId.asReadonly();
  /** Who this browser is across reloads: votes, requests and chat lines are by person. */
  readonly personId = this._personId.asReadonly();
  /** The name the server gave: the one asked for, or with a number added when it was taken ("Ada (2)"). */
  readonly name = this._name.asReadonly();
  readonly presence = this._presence.asReadonly();
  readonly playlist = this._playlist.asReadonly();
  /** Null until joined. */
  readonly playback = this._playback.asReadonly();
  readonly settings = this._settings.asReadonly();
  /** The recent chat, oldest first, at most CHAT_LINES_KEPT lines. */
  readonly chat = this._chat.asReadonly();
  /** The room's requests in the server's order (`sortRequests`). */
  readonly requests = this._requests.asReadonly();
  /** Null until joined. */
  readonly skip = this._skip.asReadonly();
  /** Who holds a copy of each own-copy song (song id → member ids). */
  readonly copies = this._copies.asReadonly();
  /** The message of the last refused join, for the place the user typed their name. */
  readonly joinError = this._joinError.asReadonly();
  /** The code of the last refused join (PASSCODE_REQUIRED asks the form for a passcode). */
  readonly joinErrorCode = this._joinErrorCode.asReadonly();
  /** The server has an ADMIN_PASSWORD: nobody is admin by arriving first; a member claims it. */
  readonly adminClaimable = this._adminClaimable.asReadonly();
  readonly joining = this._joining.asReadonly();
  readonly joined = computed(() => this._memberId() !== null);
  /** The name this browser last joined with, to prefill the prompt. */
  readonly lastUsername = readSetting(USERNAME_KEY) ?? '';
  /**
   * Emits synchronously, inside the socket event, right after the playlist or
   * playback changed: audio scheduling must not wait for change detection or
   * timers, which background tabs throttle to a second or more.
   */
  readonly changes: Observable<void> = this.playbackChanges.asObservable();

  constructor() {
    this.socket.connects.pipe(takeUntilDestroyed()).subscribe(() => {
      // Membership belongs to the server-side socket, so a new connection joins again.
      if (this.target) void this.send(this.target);
    });
    this.listen('presence:joined', (d) => this.takePresence({ kind: 'joined', ...d }));
    this.listen('presence:left', (d) => this.takePresence({ kind: 'left', ...d }));
    this.listen('presence:changed', (d) => this.takePresence({ kind: 'changed', ...d }));
    // One room per connection, so every broadcast is this room's.
    this.listen('playlist:updated', ({ songs, rev }) => {
      if (!this.fresh('playlist', rev)) return;
      this._playlist.set(songs);
      this.playbackChanges.next();
    });
    this.listen('playback:updated', ({ rev, ...playback }) => {
      if (this.fresh('playback', rev)) this.applyPlayback(playback);
    });
    this.listen('settings:updated', ({ rev, ...settings }) => this.applySettings(settings, rev));
    this.listen('chat:line', ({ rev: _rev, ...line }) => this.applyChatLine(line as ChatLine));
    this.listen('requests:updated', ({ requests, rev }) => {
      if (this.fresh('requests', rev)) this._requests.set(requests);
    });
    this.listen('skip:updated', ({ rev, ...skip }) => {
      if (this.fresh('skip', rev)) this._skip.set(skip);
    });
    this.listen('copies:updated', ({ copies, rev }) => {
      if (this.fresh('copies', rev)) this._copies.set(copies);
    });
  }

  /** Joins now if connected, otherwise as soon as the connection is up. */
  join(roomId: string, username: string, passcode?: string): void {
    if (this._joining()) return;
    this.target = passcode === undefined ? { roomId, username } : { roomId, username, passcode };
    this._joinError.set(null);
    this._joinErrorCode.set(null);
    this._joining.set(true);
    if (this.socket.isConnected()) void this.send(this.target);
  }

  /**
   * Takes a playback state from a broadcast or a command's ack. A broadcast and
   * an ack can cross, so only a newer version replaces what is shown.
   */
  applyPlayback(playback: Playback): void {
    const current = this._playback();
    if (!this.joined() || (current !== null && playback.version <= current.version)) return;
    this._playback.set(playback);
    this.playbackChanges.next();
  }

  /** Takes the settings from a broadcast or the admin's own configure ack, both at revision `rev`. */
  applySettings(settings: RoomSettings, rev: number): void {
    if (this.fresh('settings', rev)) this._settings.set(settings);
  }

  /**
   * Takes a chat line from the broadcast or from the ack of one this client sent;
   * the sender gets both, in either order, so a line already shown is not added again.
   */
  applyChatLine(line: ChatLine): void {
    if (!this.joined() || this._chat().some((l) => l.id === line.id)) return;
    // Lines from two nodes can cross: each goes where its id (the room's count) puts it.
    this._chat.update((lines) => [...lines, line].sort(byLineId).slice(-CHAT_LINES_KEPT));
  }

  /**
   * Takes the vote count from this client's own vote ack. Votes only grow within a
   * song, so an ack that a newer broadcast overtook (or one for a song no longer
   * voted on) is not taken; the broadcasts stay the authority.
   */
  applySkipVote(skip: SkipVotes): void {
    const current = this._skip();
    if (!this.joined() || current?.songId !== skip.songId || skip.voterIds.length <= current.voterIds.length) return;
    this._skip.set(skip);
  }

  /** Listens to a broadcast; while a join is on its way the broadcast waits for the snapshot. */
  private listen<E extends ServerEventName>(event: E, take: (payload: ServerEventPayload<E>) => void): void {
    this.socket
      .on(event)
      .pipe(takeUntilDestroyed())
      .subscribe((payload) => {
        if (!this.awaitingSnapshot) take(payload);
        else if (this.early.length < EARLY_KEPT) this.early.push(() => take(payload));
      });
  }

  /** Whether a whole part taken at `rev` is news; if so it becomes the part's revision. */
  private fresh(part: Part, rev: number): boolean {
    if (!this.joined() || !supersedes(rev, this.revs[part])) return false;
    this.revs[part] = rev;
    return true;
  }

  private takePresence(delta: PresenceDelta): void {
    if (!this.view) return;
    this.showPresence(receivePresence(this.view, delta));
  }

  private showPresence(view: PresenceView): void {
    if (view.presence !== this.view?.presence) this._presence.set(view.presence);
    this.view = view;
    if (view.pending.length === 0) this.clearGap();
    else this.gapTimer ??= setTimeout(() => void this.resync(), PRESENCE_GAP_MS);
  }

  private clearGap(): void {
    if (this.gapTimer !== null) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  /** A presence delta stayed missing: the whole room again, each part taken where it is newer. */
  private async resync(): Promise<void> {
    this.gapTimer = null;
    const attempt = this.attempt;
    const snapshot = await this.socket.request('room:snapshot', {});
    if (!snapshot.ok || attempt !== this.attempt || !this.view) return;
    this.showPresence(resyncPresence(this.view, snapshot.presence, snapshot.rev));
    const { rev } = snapshot;
    if (this.fresh('playlist', rev)) this._playlist.set(snapshot.playlist);
    if (this.fresh('playback', rev)) this.applyPlayback(snapshot.playback);
    this.applySettings(snapshot.settings, rev);
    if (this.fresh('requests', rev)) this._requests.set(snapshot.requests);
    if (this.fresh('skip', rev)) this._skip.set(snapshot.skip);
    if (this.fresh('copies', rev)) this._copies.set(snapshot.copies);
    for (const line of snapshot.chat) this.applyChatLine(line);
    this.playbackChanges.next();
  }

  private async send(target: JoinTarget): Promise<void> {
    const attempt = ++this.attempt;
    this.early = [];
    this.awaitingSnapshot = true;
    const result = await this.socket.request('room:join', { ...target, clientToken: clientToken() });
    if (attempt !== this.attempt) return;
    this.awaitingSnapshot = false;
    if (result.ok) {
      this._memberId.set(result.memberId);
      this._personId.set(result.personId);
      this._name.set(result.name);
      this._adminClaimable.set(result.adminClaimable);
      this.takeSnapshot(result);
      this._joining.set(false);
      const early = this.early;
      this.early = [];
      for (const take of early) take();
      writeSetting(USERNAME_KEY, target.username);
    } else if (result.error.code !== 'NOT_CONNECTED') {
      this.target = null;
      this._memberId.set(null);
      this._personId.set(null);
      this._name.set(null);
      this.takeSnapshot(null);
      this._joining.set(false);
      this.early = [];
      this._joinError.set(result.error.message);
      this._joinErrorCode.set(result.error.code);
    }
    // NOT_CONNECTED: the connection dropped first; the next connect sends the join again.
  }

  /** The join snapshot replaces everything, versions and revisions included (the room may have been recreated). */
  private takeSnapshot(snapshot: RoomSnapshot | null): void {
    this.clearGap();
    this.view = snapshot ? presenceView(snapshot.presence, snapshot.rev) : null;
    const rev = snapshot?.rev ?? -1;
    this.revs = { playlist: rev, playback: rev, settings: rev, requests: rev, skip: rev, copies: rev };
    this._presence.set(snapshot?.presence ?? null);
    this._playlist.set(snapshot?.playlist ?? []);
    this._playback.set(snapshot?.playback ?? null);
    this._settings.set(snapshot?.settings ?? null);
    this._chat.set(snapshot?.chat.slice(-CHAT_LINES_KEPT) ?? []);
    this._requests.set(snapshot?.requests ?? []);
    this._skip.set(snapshot?.skip ?? null);
    this._copies.set(snapshot?.copies ?? {});
    this.playbackChanges.next();
  }
}
