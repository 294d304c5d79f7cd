import { ClockWindow, measureSample, type ClockSample } from '@musync/protocol';

import type { PageRecording } from './click-skew.ts';
import type { Method } from './room-run.ts';

/**
 * How wrong a page's clock estimate was at true time `at` (ms): its estimate of
 * server − local minus the true value (−clockErrorMs, as the server runs on the
 * true clock). Positive: the page took server time to be later than it was, so
 * it played that much early. Replays the page's own time:ping exchanges:
 * - musync: through the protocol's ClockWindow (the SPA's ClockSync estimator),
 *   fresh on each new connection, as ClockSync does;
 * - baseline: the one exchange made when the socket connected.
 * Null before the page had any exchange.
 */
export function clockEstimateError(recording: PageRecording, at: number, method: Method, clockErrorMs: number): number | null {
  const since = Math.max(-Infinity, ...recording.connects.filter((t) => t <= at));
  const samples = recording.pings.filter((p) => p.at >= since && p.at <= at);
  const offset = method === 'baseline' ? firstOffset(samples) : windowOffset(samples);
  return offset === null ? null : offset + clockErrorMs;
}

function firstOffset(samples: readonly ClockSample[]): number | null {
  return samples[0] ? (measureSample(samples[0])?.offset ?? null) : null;
}

function windowOffset(samples: readonly ClockSample[]): number | null {
  const window = new ClockWindow();
  for (const sample of samples) window.add(sample);
  return window.estimate()?.offset ?? null;
}
