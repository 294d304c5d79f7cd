import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import {
  PASSCODE_MAX_LENGTH,
  PasscodeSchema,
  SKIP_THRESHOLD_MAX,
  type ControlMode,
  type SkipThreshold,
} from '@musync/protocol';

import { AudioEngine } from '../core/audio-engine';
import { AudioUnlock } from '../core/audio-unlock';
import { ClockSync } from '../core/clock-sync';
import { OUTPUT_DELAY_MAX_MS, OutputDelay } from '../core/output-delay';
import { type Shortcut, shortcutFor } from '../core/shortcuts';
import { Viewport } from '../core/viewport';
import { bindMediaSession } from './media-session';
import { bindPageTitle } from './page-title';
import { PlaybackStore } from './playback-store';
import { formatSongTime } from './song-time';

/** The fixed vote counts the admin picks from; a larger one set elsewhere is listed too. */
const SKIP_COUNTS = [1, 2, 3, 4, 5, 6, 8, 10];

/** The shortcuts the player answers; `/` is the room page's. */
const PLAYER_SHORTCUTS: Partial<Record<Shortcut, (store: PlaybackStore) => void>> = {
  'toggle-play': (store) => store.togglePlay(),
  'back-10': (store) => store.back10(),
  'forward-10': (store) => store.forward10(),
  next: (store) => store.next(),
  previous: (store) => store.previous(),
};

@Component({
  selector: 'app-player-panel',
  templateUrl: './player-panel.html',
  styleUrl: './player-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(document:keydown)': 'onKey($event)' },
})
export class PlayerPanel {
  protected readonly store = inject(PlaybackStore);
  private readonly engine = inject(AudioEngine);
  private readonly audio = inject(AudioUnlock);
  private readonly clock = inject(ClockSync);
  private readonly outputDelay = inject(OutputDelay);
  protected readonly narrow = inject(Viewport).narrow;

  /** Where the admin is dragging the progress bar, until they let go. */
  private readonly dragging = signal<number | null>(null);

  protected readonly position = computed(() => this.dragging() ?? this.store.elapsed());
  protected readonly elapsedLabel = computed(() => formatSongTime(this.position()));
  protected readonly durationLabel = computed(() => formatSongTime(this.store.duration()));
  protected readonly positionText = computed(() => `${this.elapsedLabel()} of ${this.durationLabel()}`);
  /** Read out politely when the song changes (a live region), not on every tick. */
  protected readonly nowPlayingText = computed(() => {
    const song = this.store.song();
    return song ? `Now playing: ${song.title}${song.artist ? ` by ${song.artist}` : ''}` : '';
  });
  /** The browser holds audio back until a gesture (autoplay policy): say so, never fail silently. */
  protected readonly needsUnlock = computed(() => this.audio.supported && !this.audio.unlocked());
  protected readonly problem = this.engine.problem;
  protected readonly syncError = computed(() => {
    const error = this.engine.errorMs();
    return error === null ? '—' : `±${Math.abs(error).toFixed(1)} ms`;
  });
  protected readonly syncErrorTitle = computed(() => {
    const error = this.engine.errorMs();
    if (error === null) return 'Measured while a song plays';
    return `This device plays ${Math.abs(error).toFixed(2)} ms ${error >= 0 ? 'ahead of' : 'behind'} the room`;
  });
  protected readonly rtt = computed(() => {
    const rtt = this.clock.rtt();
    return rtt === null ? '—' : `${rtt.toFixed(1)} ms`;
  });
  protected readonly outputDelayMs = this.outputDelay.ms;
  protected readonly outputDelayMax = OUTPUT_DELAY_MAX_MS;
  protected readonly passcodeMax = PASSCODE_MAX_LENGTH;
  protected readonly skipLabel = computed(() => {
    const { votes, needed } = this.store.skipVote();
    return needed === null ? 'Skip (off)' : `Skip (${votes}/${needed})`;
  });
  protected readonly skipTitle = computed(() => {
    const { votes, needed, voted } = this.store.skipVote();
    if (needed === null) return 'Vote to skip is off in this room';
    if (voted) return `You voted to skip this song (${votes} of ${needed} votes)`;
    return `Vote to skip this song: ${votes} of ${needed} votes so far`;
  });
  protected readonly skipCounts = computed(() => {
    const threshold = this.store.skipThreshold();
    return typeof threshold === 'number' && !SKIP_COUNTS.includes(threshold) ? [...SKIP_COUNTS, threshold].sort((a, b) => a - b) : SKIP_COUNTS;
  });

  constructor() {
    bindMediaSession();
    bindPageTitle();
  }

  protected unlock(): void {
    this.audio.unlock();
  }

  protected drag(value: number): void {
    if (this.store.canSeek()) this.dragging.set(value);
  }

  protected seek(value: number): void {
    this.dragging.set(null);
    this.store.seek(value);
  }

  protected setOutputDelay(input: HTMLInputElement): void {
    this.outputDelay.set(input.valueAsNumber);
    // Show the value kept (clamped, whole ms) even when the signal did not change.
    input.value = String(this.outputDelay.ms());
  }

  protected setControlMode(value: string): void {
    if (value === 'everyone' || value === 'admin') this.store.setControlMode(value satisfies ControlMode);
  }

  /** Sets the typed passcode (empty: nothing to set) and clears the field: it is not shown again. */
  protected setPasscode(event: SubmitEvent, input: HTMLInputElement): void {
    event.preventDefault();
    const passcode = PasscodeSchema.safeParse(input.value);
    if (!passcode.success) return;
    this.store.setPasscode(passcode.data);
    input.value = '';
  }

  protected setSkipThreshold(value: string): void {
    const count = Number(value);
    const threshold: SkipThreshold | null =
      value === 'off' || value === 'majority' ? value : Number.isInteger(count) && count >= 1 && count <= SKIP_THRESHOLD_MAX ? count : null;
    if (threshold !== null) this.store.setSkipThreshold(threshold);
  }

  protected onKey(event: KeyboardEvent): void {
    const shortcut = shortcutFor(event);
    const action = shortcut && PLAYER_SHORTCUTS[shortcut];
    if (!action) return;
    event.preventDefault(); // no page scroll
    action(this.store);
  }
}
