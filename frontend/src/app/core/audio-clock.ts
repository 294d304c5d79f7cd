import { positionAt, type Playback } from '@musync/protocol';

/**
 * Pure time mapping between the room's server clock (epoch ms) and an
 * AudioContext's timeline (seconds), as the listener hears it.
 *
 *   server ms ──(− clock offset − performance.timeOrigin)──▶ performance ms
 *   performance ms ──(output clock point)──▶ context seconds output by the device
 *   … minus the user's output delay (Bluetooth etc.), which the browser cannot see.
 *
 * `getOutputTimestamp()` should pair the context time of the frame the device
 * is emitting with the performance time it is emitted, output latency included.
 * Chromium's does: its `currentTime` runs 30–42 ms ahead of the timestamp with
 * `outputLatency` = 32 ms (measured, headless Linux, 10 ms callback buffer).
 * Firefox's does not: it returns (currentTime − outputLatency, now − outputLatency),
 * which is just currentTime's own relation to now. The two are told apart by how
 * far currentTime leads the timestamp, and `outputLatency` is added only where
 * that lead shows it missing. Without a usable timestamp (none yet before the
 * first render callback; an implausible one) the mapping falls back to
 * `currentTime` minus the latencies the context reports.
 */

/** What one look at the context gives; read `currentTime` and `performance.now()` together. */
export interface AudioClockReading {
  /** `context.getOutputTimestamp()`, or null where the browser lacks it. */
  readonly outputTimestamp: AudioTimestamp | null;
  /** `context.currentTime`, seconds. */
  readonly currentTime: number;
  /** `performance.now()` when `currentTime` was read, ms. */
  readonly performanceNow: number;
  readonly baseLatency?: number | undefined;
  readonly outputLatency?: number | undefined;
}

/** The device emits context time `contextTime` (s) at performance time `performanceTime` (ms). */
export interface OutputClockPoint {
  readonly contextTime: number;
  readonly performanceTime: number;
}

/** Everything besides the audio device that places server time on the local clock. */
export interface TimeBase {
  /** `performance.timeOrigin`, epoch ms. */
  readonly timeOrigin: number;
  /** Server clock minus local clock (ms), from ClockSync. */
  readonly clockOffsetMs: number;
  /** How much later than the browser thinks this device's sound reaches the ear (user setting, ms). */
  readonly outputDelayMs: number;
}

/** Latencies above this are a browser reporting nonsense, not a real device. */
const LATENCY_PLAUSIBLE_MAX_S = 1;
/** An output timestamp older than this is stale (suspended context, throttled render thread). */
const TIMESTAMP_MAX_AGE_MS = 1000;
/** Rounding room when checking that currentTime leads the output position. */
const TIMESTAMP_SLACK_S = 0.005;

/** A reported latency in seconds, or 0 when it is missing, negative, NaN or implausibly large. */
export function plausibleLatency(seconds: number | undefined): number {
  return seconds !== undefined && Number.isFinite(seconds) && seconds >= 0 && seconds <= LATENCY_PLAUSIBLE_MAX_S
    ? seconds
    : 0;
}

/**
 * Where the device's output stands now. Prefers `getOutputTimestamp()`, adding
 * the output latency where the browser left it out; without it, `currentTime` is
 * the next block to render, which reaches the device after the output latency
 * plus, on average, half a callback buffer (baseLatency): currentTime advances a
 * whole buffer at a time.
 */
export function outputClockPoint(reading: AudioClockReading): OutputClockPoint {
  const stamp = reading.outputTimestamp;
  const contextTime = stamp?.contextTime ?? 0;
  const performanceTime = stamp?.performanceTime ?? 0;
  const ageMs = reading.performanceNow - performanceTime;
  // currentTime must lead the extrapolated output position by the output latency: a
  // timestamp taken before a suspend (context time frozen, performance time not) fails this.
  const lead = reading.currentTime - (contextTime + ageMs / 1000);
  const usable =
    contextTime > 0 &&
    performanceTime > 0 &&
    Math.abs(ageMs) <= TIMESTAMP_MAX_AGE_MS &&
    lead >= -TIMESTAMP_SLACK_S &&
    lead <= LATENCY_PLAUSIBLE_MAX_S;
  const outputLatency = plausibleLatency(reading.outputLatency);
  if (usable) {
    // A timestamp that includes the latency trails currentTime by about that much (or more).
    const missing = lead < outputLatency / 2 ? outputLatency : 0;
    return { contextTime: contextTime - missing, performanceTime };
  }
  const latency = outputLatency + plausibleLatency(reading.baseLatency) / 2;
  return { contextTime: reading.currentTime - latency, performanceTime: reading.performanceNow };
}

/**
 * One point standing for several recent readings: the median of their
 * context-minus-performance differences, placed at the latest reading. Each
 * timestamp carries its render callback's scheduling jitter; the median drops
 * the odd late callback while still following the audio clock's slow drift.
 */
export function steadyOutputPoint(points: readonly OutputClockPoint[]): OutputClockPoint | null {
  const latest = points.at(-1);
  if (!latest) return null;
  const differences = points.map((p) => p.contextTime * 1000 - p.performanceTime).sort((a, b) => a - b);
  const middle = differences.length >> 1;
  const median =
    differences.length % 2 === 1
      ? (differences[middle] ?? 0)
      : ((differences[middle - 1] ?? 0) + (differences[middle] ?? 0)) / 2;
  return { contextTime: (latest.performanceTime + median) / 1000, performanceTime: latest.performanceTime };
}

/** The context time whose sound the listener hears at server time `serverMs`. */
export function contextTimeAt(serverMs: number, point: OutputClockPoint, base: TimeBase): number {
  const performanceMs = serverMs - base.clockOffsetMs - base.timeOrigin - base.outputDelayMs;
  return point.contextTime + (performanceMs - point.performanceTime) / 1000;
}

/** The server time at which the listener hears context time `contextTime` (inverse of contextTimeAt). */
export function serverTimeAt(contextTime: number, point: OutputClockPoint, base: TimeBase): number {
  const performanceMs = point.performanceTime + (contextTime - point.contextTime) * 1000;
  return performanceMs + base.outputDelayMs + base.timeOrigin + base.clockOffsetMs;
}

/** `AudioBufferSourceNode.start(when, offset)` arguments. */
export interface StartPlan {
  readonly when: number;
  readonly offset: number;
}

/**
 * When and where to start a song so it is heard in step with the room. A start
 * whose moment is already past (a late message, a late joiner, a reload, an
 * unlock tap) starts `earliest` instead, at the offset the song has reached by
 * then; the browser would otherwise start late from the old offset. Null when
 * the song is already over at that moment.
 */
export function planStart(
  playback: Playback,
  point: OutputClockPoint,
  base: TimeBase,
  earliest: number,
  songSeconds: number,
): StartPlan | null {
  const due = contextTimeAt(playback.anchor, point, base);
  const when = Math.max(due, earliest);
  const offset = Math.max(0, positionAt(playback, serverTimeAt(when, point, base)));
  return offset < songSeconds ? { when, offset } : null;
}
