/**
 * NTP-style clock offset estimation, pure and shared by every clock client
 * (browser to server now, node to Redis later).
 *
 * One exchange gives four timestamps: t0 (client send), t1 (server receive),
 * t2 (server send), t3 (client receive). Assuming the path is symmetric,
 *   offset = ((t1 − t0) + (t2 − t3)) / 2   (server clock − client clock)
 *   rtt    = (t3 − t0) − (t2 − t1)          (time on the wire, both ways)
 * The error of one sample is at most rtt / 2, and queueing only ever adds
 * delay, so the samples with the lowest round trip are the most truthful.
 * Asymmetric paths shift the offset by half the asymmetry; no two-way method
 * can see that (documented in docs/architecture.md).
 */

export interface ClockSample {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
}

export interface ClockMeasurement {
  /** Server clock minus client clock, ms. */
  readonly offset: number;
  /** Round trip on the wire, ms (server processing time excluded). */
  readonly rtt: number;
}

export interface ClockEstimate extends ClockMeasurement {
  /** How many samples the estimate was drawn from (the lowest-rtt ones). */
  readonly used: number;
  /** How many samples the window held. */
  readonly window: number;
}

/** Offset and round trip of one exchange, or null if its timestamps cannot be real. */
export function measureSample(sample: ClockSample): ClockMeasurement | null {
  const { t0, t1, t2, t3 } = sample;
  if (![t0, t1, t2, t3].every(Number.isFinite)) return null;
  const serverTime = t2 - t1;
  const rtt = t3 - t0 - serverTime;
  if (serverTime < 0 || rtt < 0) return null;
  return { offset: (t1 - t0 + (t2 - t3)) / 2, rtt };
}

/**
 * The estimate from a set of measurements: the median offset of the `best`
 * lowest-round-trip ones (the median shrugs off one lucky-looking outlier),
 * and the round trip of the best one.
 */
export function estimateClock(measurements: readonly ClockMeasurement[], best = 3): ClockEstimate | null {
  if (measurements.length === 0) return null;
  const fastest = [...measurements].sort((a, b) => a.rtt - b.rtt).slice(0, Math.max(1, best));
  const offsets = fastest.map((m) => m.offset).sort((a, b) => a - b);
  return {
    offset: median(offsets),
    rtt: Math.min(...fastest.map((m) => m.rtt)),
    used: fastest.length,
    window: measurements.length,
  };
}

/** A sliding window of the most recent measurements. */
export class ClockWindow {
  private readonly measurements: ClockMeasurement[] = [];

  constructor(
    private readonly size = 32,
    private readonly best = 3,
  ) {}

  /** Adds one exchange; returns false (and keeps nothing) if it is not plausible. */
  add(sample: ClockSample): boolean {
    const measurement = measureSample(sample);
    if (!measurement) return false;
    this.measurements.push(measurement);
    if (this.measurements.length > this.size) this.measurements.shift();
    return true;
  }

  estimate(): ClockEstimate | null {
    return estimateClock(this.measurements, this.best);
  }

  clear(): void {
    this.measurements.length = 0;
  }
}

/** The median of a non-empty, ascending list. */
function median(sorted: readonly number[]): number {
  const upper = sorted[sorted.length >> 1] ?? Number.NaN;
  const lower = sorted[(sorted.length - 1) >> 1] ?? Number.NaN;
  return (lower + upper) / 2;
}
