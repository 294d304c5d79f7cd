import { DestroyRef, InjectionToken, Service, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { ClockWindow } from '@musync/protocol';

import { SocketClient } from './socket-client';

/**
 * How often to ping, by how long the connection has been open. The estimate
 * (ClockWindow) takes each direction's least delay over the last 128 s, with
 * the device clock's drift fitted over 256 s and taken out; its jitter error
 * shrinks about as 1/(exchanges in it):
 * - 40 in the first second, then 20 a second to 2 s, so a page that joins a
 *   playing room (and starts at once) has tens of exchanges by the time it
 *   schedules its first sound;
 * - then 4 a second for good. On the sync bench (zero drift) 2 a second with
 *   the flat 32 s window of before read p95 1.7–2.1 ms, 4 a second 1.3–1.5
 *   against the room's 2 ms target. The server answers a ping at the socket,
 *   ahead of Nest's pipeline, for 37–43 µs of CPU (docs/benchmarks.md, "What a
 *   clock ping costs, answered at the socket"): 4 a second is 0.15–0.17 of a
 *   core per 1000 listeners.
 * TIME_BURST and TIME_PER_SECOND (limits.ts) allow for this with room to spare.
 */
export const PING_SCHEDULE: readonly { readonly untilMs: number; readonly everyMs: number }[] = [
  { untilMs: 1_000, everyMs: 25 },
  { untilMs: 2_000, everyMs: 50 },
];
export const STEADY_PING_MS = 250;

/** An estimate that moved less than this (ms)… */
const STEADY_WITHIN_MS = 0.5;
/** …for this long (ms) is steady. */
const STEADY_FOR_MS = 500;
/** A connection this old (ms) counts as steady anyway: a start must never wait for good. */
const STEADY_WAIT_MAX_MS = 3_000;

/** The pause before the next ping, `connectedMs` after the connection opened. */
export function pingIntervalMs(connectedMs: number): number {
  return PING_SCHEDULE.find((step) => connectedMs < step.untilMs)?.everyMs ?? STEADY_PING_MS;
}

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
  private readonly _steady = signal(false);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private connectedAt = 0;
  /** The offset the estimate last moved to, and when (local ms). */
  private movedTo: number | null = null;
  private movedAt = 0;

  /** Server clock minus local clock, ms; null until the first answer. */
  readonly offset = this._offset.asReadonly();
  /** Round trip of the best recent exchange, ms; null until the first answer. */
  readonly rtt = this._rtt.asReadonly();
  /**
   * Whether the estimate has held still (within STEADY_WITHIN_MS for STEADY_FOR_MS),
   * or the connection is STEADY_WAIT_MAX_MS old. A page that just joined is busy
   * (booting, decoding its first song), so its first answers are read late and
   * lean the estimate by several ms (the sync bench's late joiner: 4–6 ms, gone
   * half a second later); a start that is already due waits for this.
   */
  readonly steady = this._steady.asReadonly();

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
    this.connectedAt = this.now();
    this.movedTo = null;
    this._steady.set(false);
    this.tick();
  }

  // Background tabs throttle timers to a second or more; nothing here depends on when a
  // tick runs, because every sample carries its own timestamps.
  private tick(): void {
    clearTimeout(this.timer);
    if (!this.socket.isConnected()) return; // the next connect starts a new burst
    void this.ping();
    this.timer = setTimeout(() => this.tick(), pingIntervalMs(this.now() - this.connectedAt));
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
    if (this.movedTo === null || Math.abs(estimate.offset - this.movedTo) > STEADY_WITHIN_MS) {
      this.movedTo = estimate.offset;
      this.movedAt = t3;
    }
    this._steady.set(t3 - this.movedAt >= STEADY_FOR_MS || t3 - this.connectedAt >= STEADY_WAIT_MAX_MS);
  }
}
