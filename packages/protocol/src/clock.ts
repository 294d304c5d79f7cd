/**
 * NTP-style clock offset estimation, pure and shared by every clock client
 * (browser to server now, node to Redis later).
 *
 * One exchange gives four timestamps: t0 (client send), t1 (server receive),
 * t2 (server send), t3 (client receive). With `offset` the server clock minus
 * the client clock, and `up`/`down` the one-way delays:
 *   t1 − t0 = offset + up        t3 − t2 = down − offset
 * Queueing and jitter only ever add delay, so over a window of exchanges the
 * smallest `t1 − t0` has the least `up` and the smallest `t3 − t2` the least
 * `down`. Taking each direction's minimum on its own,
 *   offset ≈ (min(t1 − t0) − min(t3 − t2)) / 2
 * is off by only (min up − min down) / 2, which shrinks as the window grows —
 * where the single lowest-round-trip exchange still carries whatever jitter
 * its two directions happened to have (measured: 0.5–5 ms at 40 ± 15 ms of
 * jitter, against well under 1 ms this way).
 * A path whose minimum delays differ (asymmetric) shifts the offset by half the
 * difference; no two-way method can see that (docs/architecture.md).
 */

export interface ClockSample {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
}

export interface ClockMeasurement {
  /** Server clock minus client clock, ms, from this exchange alone (symmetric-path assumption). */
  readonly offset: number;
  /** Round trip on the wire, ms (server processing time excluded). */
  readonly rtt: number;
  /** When the answer arrived, on the client's clock (t3), ms: what the window's span is counted in. */
  readonly at: number;
}

export interface ClockEstimate {
  /** Server clock minus client clock, ms. */
  readonly offset: number;
  /** Round trip of the fastest exchange in the window, ms. */
  readonly rtt: number;
  /** How many exchanges the window held. */
  readonly window: number;
}

/** Offset and round trip of one exchange, or null if its timestamps cannot be real. */
export function measureSample(sample: ClockSample): ClockMeasurement | null {
  const { t0, t1, t2, t3 } = sample;
  if (![t0, t1, t2, t3].every(Number.isFinite)) return null;
  const serverTime = t2 - t1;
  const rtt = t3 - t0 - serverTime;
  if (serverTime < 0 || rtt < 0) return null;
  return { offset: (t1 - t0 + (t2 - t3)) / 2, rtt, at: t3 };
}

/**
 * The estimate from a window of exchanges: the offset from each direction's
 * smallest delay (see above), and the round trip of the fastest exchange.
 */
export function estimateClock(measurements: readonly ClockMeasurement[]): ClockEstimate | null {
  if (measurements.length === 0) return null;
  // From one exchange's offset and rtt: t1 − t0 = offset + rtt/2 and t3 − t2 = rtt/2 − offset.
  const leastUp = Math.min(...measurements.map((m) => m.offset + m.rtt / 2));
  const leastDown = Math.min(...measurements.map((m) => m.rtt / 2 - m.offset));
  return {
    offset: (leastUp - leastDown) / 2,
    rtt: Math.min(...measurements.map((m) => m.rtt)),
    window: measurements.length,
  };
}

/** How much history a ClockWindow combines. */
export interface ClockWindowLimits {
  /** Exchanges older than this (ms, on the client's clock, behind the newest) leave the window. */
  readonly spanMs: number;
  /** At most this many exchanges, the newest (bounds memory and work when pings come fast). */
  readonly maxSamples: number;
}

/**
 * The window's span is a trade-off between the two errors of the estimate:
 * - jitter: the least delay of n exchanges still carries some queueing, and the
 *   estimate's error shrinks about as 1/n (simulated at 40 ± 15 ms uniform
 *   each way: ~0.65 ms rms with 32 exchanges, ~0.33 ms with 64, ~0.17 ms with 128);
 * - drift: the window assumes one offset throughout, but a device's clock runs
 *   10–100 ppm off the server's, so the offset moves by that much while the
 *   window fills; its least delays then come from exchanges up to a span old,
 *   which puts the estimate off by about drift × span / 2 (simulated, 20 ppm
 *   over 32 s: ~0.3 ms; 100 ppm: ~1.6 ms).
 * So the span stays at 32 s, and more exchanges within it (pinging faster, see
 * ClockSync) cut the first error without growing the second.
 */
export const CLOCK_WINDOW: ClockWindowLimits = { spanMs: 32_000, maxSamples: 256 };

/** A sliding window of the most recent measurements. */
export class ClockWindow {
  private readonly measurements: ClockMeasurement[] = [];

  constructor(private readonly limits: ClockWindowLimits = CLOCK_WINDOW) {}

  /** Adds one exchange; returns false (and keeps nothing) if it is not plausible. */
  add(sample: ClockSample): boolean {
    const measurement = measureSample(sample);
    if (!measurement) return false;
    this.measurements.push(measurement);
    const newest = Math.max(...this.measurements.map((m) => m.at));
    const kept = this.measurements.filter((m) => m.at >= newest - this.limits.spanMs).slice(-this.limits.maxSamples);
    this.measurements.splice(0, this.measurements.length, ...kept);
    return true;
  }

  estimate(): ClockEstimate | null {
    return estimateClock(this.measurements);
  }

  clear(): void {
    this.measurements.length = 0;
  }
}
