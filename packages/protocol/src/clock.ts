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

import { lowerEnvelopeSlope } from './clock-drift.js';

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
  /** Server clock minus client clock, ms, at the client time the estimate was asked for (the newest answer's by default). */
  readonly offset: number;
  /** Round trip of the fastest exchange the offset came from, ms. */
  readonly rtt: number;
  /** How many exchanges the window held. */
  readonly window: number;
  /** How fast the offset moves, ms per ms of client time (1e-6 = 1 ppm); 0 until the window spans CLOCK_ESTIMATE.minDriftSpanMs. */
  readonly drift: number;
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

// From one exchange's offset and rtt: t1 − t0 = offset + rtt/2 and t3 − t2 = rtt/2 − offset.
const upDelay = (m: ClockMeasurement): number => m.offset + m.rtt / 2;
const downDelay = (m: ClockMeasurement): number => m.rtt / 2 - m.offset;

/** How an estimate combines the window: a drift from all of it, an offset from its recent part. */
export interface ClockEstimateLimits {
  /** The offset comes from the exchanges answered within this (ms) of the estimate's time, the drift taken out. */
  readonly offsetSpanMs: number;
  /** Without a fitted drift the offset comes from only this much (ms): the drift it cannot take out grows with the span. */
  readonly flatSpanMs: number;
  /** A window spanning less than this (ms), or holding fewer exchanges than minDriftExchanges, is taken to have no drift: such a slope is mostly jitter. */
  readonly minDriftSpanMs: number;
  readonly minDriftExchanges: number;
  /** Fitted drifts beyond ± this (ms per ms) are clamped to it: real devices stay within ~100 ppm. */
  readonly maxDrift: number;
}

/**
 * Simulated at 40 ± 15 ms of jitter each way, 2 exchanges a second
 * (e2e/bench/clock/clock-sim.ts, docs/benchmarks.md): a drift fitted over
 * 128 s is good to ~5 ppm, over 256 s to ~1–2 ppm (the error falls as
 * 1/span², as both the exchanges and the lever grow), and a slope 5 ppm off
 * moves an offset read a minute back by 0.3 ms. So the drift comes from the
 * whole window and the offset from its last 128 s. A slope over a shorter
 * lever is mostly jitter: over 20–60 s it cost the sync bench's pages (whose
 * clocks do not drift) more than it won (jitter p95 1.78 ms, against 1.27–1.45
 * flat). So for a connection's first 2 minutes no drift is fitted and the
 * offset comes from the last 32 s, taken flat, as before the fit: off by at
 * most drift × 16 s then (1.6 ms at 100 ppm, 0.3 ms at 20).
 */
export const CLOCK_ESTIMATE: ClockEstimateLimits = {
  offsetSpanMs: 128_000,
  flatSpanMs: 32_000,
  minDriftSpanMs: 120_000,
  minDriftExchanges: 100,
  maxDrift: 200e-6,
};

/**
 * The estimate from a window of exchanges at client time `at` (default: the
 * newest answer): the drift ρ fitted over the whole window (clock-drift.ts),
 * then each direction's least delay (see above) over its last
 * `offsetSpanMs` (`flatSpanMs` when no drift is fitted), with the drift taken out. With exchange i answered at
 * client time t_i:
 *   offset(at) = (min(up_i − ρ·(t_i − at)) − min(down_i + ρ·(t_i − at))) / 2
 * which is the flat estimate when ρ = 0 (too short a window, or no drift).
 */
export function estimateClock(
  measurements: readonly ClockMeasurement[],
  at?: number,
  limits: ClockEstimateLimits = CLOCK_ESTIMATE,
): ClockEstimate | null {
  if (measurements.length === 0) return null;
  let newest = -Infinity;
  let oldest = Infinity;
  for (const m of measurements) {
    newest = Math.max(newest, m.at);
    oldest = Math.min(oldest, m.at);
  }
  const lever = newest - oldest >= limits.minDriftSpanMs && measurements.length >= limits.minDriftExchanges;
  const drift = lever ? fittedDrift(measurements, limits.maxDrift) : 0;
  const when = at ?? newest;
  const span = lever ? limits.offsetSpanMs : limits.flatSpanMs;
  let leastUp = Infinity;
  let leastDown = Infinity;
  let rtt = Infinity;
  for (const m of measurements) {
    if (m.at < newest - span) continue;
    const moved = drift * (m.at - when);
    leastUp = Math.min(leastUp, upDelay(m) - moved);
    leastDown = Math.min(leastDown, downDelay(m) + moved);
    rtt = Math.min(rtt, m.rtt);
  }
  return { offset: (leastUp - leastDown) / 2, rtt, window: measurements.length, drift };
}

/** The two directions' envelope slopes, opposite in sign, halved apart; clamped to ± maxDrift. */
function fittedDrift(measurements: readonly ClockMeasurement[], maxDrift: number): number {
  const upSlope = lowerEnvelopeSlope(measurements.map((m) => ({ t: m.at, delay: upDelay(m) })));
  const downSlope = lowerEnvelopeSlope(measurements.map((m) => ({ t: m.at, delay: downDelay(m) })));
  if (upSlope === null || downSlope === null) return 0;
  return Math.max(-maxDrift, Math.min(maxDrift, (upSlope - downSlope) / 2));
}

/** How much history a ClockWindow combines. */
export interface ClockWindowLimits {
  /** Exchanges older than this (ms, on the client's clock, behind the newest) leave the window. */
  readonly spanMs: number;
  /** At most this many exchanges, the newest (bounds memory and work when pings come fast). */
  readonly maxSamples: number;
}

/**
 * The estimate has two errors:
 * - jitter: the least delay of n exchanges still carries some queueing, and the
 *   error shrinks about as 1/n (simulated at 40 ± 15 ms uniform each way:
 *   ~0.35 ms rms with 64 exchanges, ~0.16 ms with 128);
 * - drift: a device's clock runs 10–100 ppm off the server's, so the offset
 *   moves while the window fills; taken as constant, the least delays come from
 *   exchanges up to a span old and put the estimate off by about
 *   drift × span / 2 (simulated, 100 ppm over 32 s: ~1.6 ms).
 * Fitting the drift (CLOCK_ESTIMATE) takes the second away and so lets the
 * window grow for the first: 256 s, 1024 exchanges at 4 a second, the drift
 * from all of them and the offset from the last 128 s. The cost is per add():
 * two O(n) hulls and scans, n ≤ 1024 (~0.15 ms). A step of the server's clock (a cluster
 * correcting its clock) is washed out once it is a window old, at worst.
 */
export const CLOCK_WINDOW: ClockWindowLimits = { spanMs: 256_000, maxSamples: 1024 };

/** A sliding window of the most recent measurements. */
export class ClockWindow {
  private readonly measurements: ClockMeasurement[] = [];

  constructor(
    private readonly limits: ClockWindowLimits = CLOCK_WINDOW,
    private readonly estimateLimits: ClockEstimateLimits = CLOCK_ESTIMATE,
  ) {}

  /** Adds one exchange; returns false (and keeps nothing) if it is not plausible. */
  add(sample: ClockSample): boolean {
    const measurement = measureSample(sample);
    if (!measurement) return false;
    this.measurements.push(measurement);
    let newest = -Infinity;
    for (const m of this.measurements) newest = Math.max(newest, m.at);
    const kept = this.measurements.filter((m) => m.at >= newest - this.limits.spanMs).slice(-this.limits.maxSamples);
    this.measurements.splice(0, this.measurements.length, ...kept);
    return true;
  }

  /**
   * Server clock minus client clock at client time `at` (ms, on the clock the
   * samples' t0 and t3 were read from), by default at the newest answer; the
   * drift moves it by at most ~0.1 ms a second, so callers holding it between
   * answers add it to their local now.
   */
  estimate(at?: number): ClockEstimate | null {
    return estimateClock(this.measurements, at, this.estimateLimits);
  }

  clear(): void {
    this.measurements.length = 0;
  }
}
