import { DestroyRef, InjectionToken, Service, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ClockWindow } from '@musync/protocol';

import { SocketClient } from './socket-client';

/**
 * Pings sent right after each connect. The estimate takes each direction's least
 * delay over the window, so more samples sooner mean a truer offset sooner.
 */
const BURST_PINGS = 16;
const BURST_SPACING_MS = 40;
/**
 * One ping a second afterwards: under jitter the estimate improves with every
 * sample, and the 32-sample window then spans ~30 s, short enough that clock
 * drift between the samples it combines stays far below a millisecond.
 */
const PERIOD_MS = 1_000;

/**
 * The local high-resolution clock in epoch ms. Date.now() can jump when the system
 * clock is adjusted; the monotonic performance clock cannot.
 */
export const LOCAL_NOW = new InjectionToken<() => number>('LOCAL_NOW', {
  providedIn: 'root',
  factory: () => () => performance.timeOrigin + performance.now(),
});

/** Estimates the server clock from `time:ping` exchanges (NTP-style, see ClockWindow). */
@Service()
export class ClockSync {
  private readonly socket = inject(SocketClient);
  private readonly now = inject(LOCAL_NOW);
  private readonly samples = new ClockWindow();
  private readonly _offset = signal<number | null>(null);
  private readonly _rtt = signal<number | null>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private burstLeft = 0;

  /** Server clock minus local clock, ms; null until the first answer. */
  readonly offset = this._offset.asReadonly();
  /** Round trip of the best recent exchange, ms; null until the first answer. */
  readonly rtt = this._rtt.asReadonly();

  constructor() {
    this.socket.connects.pipe(takeUntilDestroyed()).subscribe(() => this.startBurst());
    if (this.socket.isConnected()) this.startBurst();
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  /** The server's clock now, in epoch ms; null until the offset is known. */
  serverNow(): number | null {
    const offset = this._offset();
    return offset === null ? null : this.now() + offset;
  }

  private startBurst(): void {
    // A new connection may take a new route: measure it afresh.
    this.samples.clear();
    this.burstLeft = BURST_PINGS;
    this.tick();
  }

  // Background tabs throttle timers to a second or more; nothing here depends on when a
  // tick runs, because every sample carries its own timestamps.
  private tick(): void {
    clearTimeout(this.timer);
    if (!this.socket.isConnected()) return; // the next connect starts a new burst
    void this.ping();
    this.burstLeft = Math.max(0, this.burstLeft - 1);
    this.timer = setTimeout(() => this.tick(), this.burstLeft > 0 ? BURST_SPACING_MS : PERIOD_MS);
  }

  private async ping(): Promise<void> {
    const t0 = this.now();
    const pong = await this.socket.request('time:ping', { t0 });
    const t3 = this.now();
    if (!pong.ok || !this.samples.add({ t0, t1: pong.t1, t2: pong.t2, t3 })) return;
    const estimate = this.samples.estimate();
    if (!estimate) return;
    this._offset.set(estimate.offset);
    this._rtt.set(estimate.rtt);
  }
}
