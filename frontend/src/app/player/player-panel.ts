import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import type { ControlMode } from '@musync/protocol';

import { AudioEngine } from '../core/audio-engine';
import { AudioUnlock } from '../core/audio-unlock';
import { ClockSync } from '../core/clock-sync';
import { OUTPUT_DELAY_MAX_MS, OutputDelay } from '../core/output-delay';
import { bindMediaSession } from './media-session';
import { PlaybackStore } from './playback-store';
import { formatSongTime } from './song-time';

/** Keys typed into these mean text or the control's own action, never play/pause. */
const TYPING_TARGETS = new Set(['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A']);

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

  /** Where the admin is dragging the progress bar, until they let go. */
  private readonly dragging = signal<number | null>(null);

  protected readonly position = computed(() => this.dragging() ?? this.store.elapsed());
  protected readonly elapsedLabel = computed(() => formatSongTime(this.position()));
  protected readonly durationLabel = computed(() => formatSongTime(this.store.duration()));
  protected readonly positionText = computed(() => `${this.elapsedLabel()} of ${this.durationLabel()}`);
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

  constructor() {
    bindMediaSession();
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

  protected onKey(event: KeyboardEvent): void {
    if (event.code !== 'Space' || event.repeat || event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target instanceof HTMLElement && (TYPING_TARGETS.has(target.tagName) || target.isContentEditable)) return;
    event.preventDefault(); // no page scroll
    this.store.togglePlay();
  }
}
