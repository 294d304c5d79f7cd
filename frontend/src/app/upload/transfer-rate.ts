/**
 * How far back the speed looks: chunk acks arrive in bursts (a window of them
 * at a time), so a few seconds smooth them out while still following a link
 * that gets faster or slower.
 */
const WINDOW_MS = 3000;
/** Two acks a few milliseconds apart would give an absurd speed: wait for this much time first. */
const MIN_SPAN_MS = 250;

interface Sample {
  readonly at: number;
  readonly bytes: number;
}

/** The speed of one transfer over its last few seconds, from (time, bytes done) samples. */
export class TransferRate {
  private samples: Sample[] = [];

  /** Bytes done by `at` (ms, any monotonic clock). */
  add(at: number, bytes: number): void {
    this.samples.push({ at, bytes });
    // Keep one sample at or before the window's start, so the window is spanned in full.
    const start = at - WINDOW_MS;
    while ((this.samples[1]?.at ?? Number.POSITIVE_INFINITY) <= start) this.samples.shift();
  }

  /** Forgets the history: after a pause (reconnecting), old samples would understate the speed. */
  reset(): void {
    this.samples = [];
  }

  /** Bytes per second over the window; null until enough time was measured. */
  bytesPerSecond(): number | null {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at - first.at < MIN_SPAN_MS) return null;
    return ((last.bytes - first.bytes) * 1000) / (last.at - first.at);
  }
}
