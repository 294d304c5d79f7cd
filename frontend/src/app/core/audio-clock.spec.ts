import type { Playback } from '@musync/protocol';

import {
  contextTimeAt,
  outputClockPoint,
  planStart,
  plausibleLatency,
  serverTimeAt,
  steadyOutputPoint,
  type AudioClockReading,
  type OutputClockPoint,
  type TimeBase,
} from './audio-clock';

const TIME_ORIGIN = 1_700_000_000_000;
/** The device emits context time 10 s at performance time 20 000 ms. */
const POINT: OutputClockPoint = { contextTime: 10, performanceTime: 20_000 };
const base = (change: Partial<TimeBase> = {}): TimeBase => ({
  timeOrigin: TIME_ORIGIN,
  clockOffsetMs: 0,
  outputDelayMs: 0,
  ...change,
});
/** Server epoch ms of local performance time `performanceMs` when the server runs `offset` ms ahead. */
const serverAt = (performanceMs: number, offset = 0): number => TIME_ORIGIN + performanceMs + offset;

const reading = (change: Partial<AudioClockReading> = {}): AudioClockReading => ({
  outputTimestamp: { contextTime: 10, performanceTime: 20_000 },
  currentTime: 10.045,
  performanceNow: 20_004,
  baseLatency: 0.01,
  outputLatency: 0.032,
  ...change,
});

describe('audio clock mapping', () => {
  describe('server time to context time', () => {
    it('puts the server moment of the output point on its context time', () => {
      expect(contextTimeAt(serverAt(20_000), POINT, base())).toBeCloseTo(10, 9);
    });

    it('advances one context second per thousand server milliseconds', () => {
      expect(contextTimeAt(serverAt(20_250), POINT, base())).toBeCloseTo(10.25, 9);
      expect(contextTimeAt(serverAt(19_000), POINT, base())).toBeCloseTo(9, 9);
    });

    it('subtracts the clock offset when the server runs ahead', () => {
      const offset = 12_345.5;
      expect(contextTimeAt(serverAt(20_100, offset), POINT, base({ clockOffsetMs: offset }))).toBeCloseTo(10.1, 9);
    });

    it('adds it back when the server runs behind', () => {
      const offset = -3_600_000;
      expect(contextTimeAt(serverAt(20_100, offset), POINT, base({ clockOffsetMs: offset }))).toBeCloseTo(10.1, 9);
    });

    it('starts earlier by the output delay, so slow speakers sound on time', () => {
      const plain = contextTimeAt(serverAt(21_000), POINT, base());
      const bluetooth = contextTimeAt(serverAt(21_000), POINT, base({ outputDelayMs: 180 }));
      expect(plain - bluetooth).toBeCloseTo(0.18, 9);
    });

    it('keeps sub-millisecond precision at real epoch magnitudes', () => {
      const a = contextTimeAt(serverAt(20_000.25), POINT, base({ clockOffsetMs: 0.125 }));
      const b = contextTimeAt(serverAt(20_000), POINT, base({ clockOffsetMs: 0.125 }));
      expect((a - b) * 1000).toBeCloseTo(0.25, 6);
    });

    it('serverTimeAt inverts contextTimeAt', () => {
      const timeBase = base({ clockOffsetMs: 42.125, outputDelayMs: 35 });
      const server = serverAt(23_456.789, 42.125);
      expect(serverTimeAt(contextTimeAt(server, POINT, timeBase), POINT, timeBase)).toBeCloseTo(server, 6);
      expect(contextTimeAt(serverTimeAt(12.5, POINT, timeBase), POINT, timeBase)).toBeCloseTo(12.5, 9);
    });
  });

  describe('where the output device stands', () => {
    it('takes a Chromium timestamp as is: it already includes the output latency', () => {
      // currentTime leads the timestamp by 41 ms, the 32 ms output latency and part of a buffer.
      expect(outputClockPoint(reading())).toEqual({ contextTime: 10, performanceTime: 20_000 });
    });

    it('adds the output latency to a Firefox timestamp, which leaves it out', () => {
      // Firefox: (currentTime − outputLatency, now − outputLatency) — currentTime's relation to now.
      const point = outputClockPoint(
        reading({
          outputTimestamp: { contextTime: 10.015, performanceTime: 19_974 },
          currentTime: 10.045,
          performanceNow: 20_004,
          outputLatency: 0.03,
        }),
      );
      expect(point.performanceTime).toBe(19_974);
      // So at performance time 20 004 the device emits 10.015: currentTime less the 30 ms latency.
      expect(point.contextTime + (20_004 - 19_974) / 1000).toBeCloseTo(10.015, 9);
    });

    it('without getOutputTimestamp, takes currentTime less the output latency and half a render buffer', () => {
      const point = outputClockPoint(reading({ outputTimestamp: null }));
      expect(point.performanceTime).toBe(20_004);
      expect(point.contextTime).toBeCloseTo(10.045 - 0.032 - 0.005, 9);
    });

    it('falls back before the first render callback, when the timestamp is still zero', () => {
      const point = outputClockPoint(reading({ outputTimestamp: { contextTime: 0, performanceTime: 0 } }));
      expect(point.contextTime).toBeCloseTo(10.045 - 0.037, 9);
    });

    it('falls back on a browser that returns an empty timestamp', () => {
      const point = outputClockPoint(reading({ outputTimestamp: {} }));
      expect(point.performanceTime).toBe(20_004);
    });

    it('distrusts a timestamp taken before the context was suspended', () => {
      // Context time froze at 10 s for 500 ms while performance time went on.
      const point = outputClockPoint(
        reading({ outputTimestamp: { contextTime: 10, performanceTime: 19_500 }, currentTime: 10.04, performanceNow: 20_000 }),
      );
      expect(point).toEqual({ contextTime: 10.04 - 0.037, performanceTime: 20_000 });
    });

    it('distrusts a timestamp older than a second', () => {
      const point = outputClockPoint(
        reading({ outputTimestamp: { contextTime: 8.5, performanceTime: 18_500 }, currentTime: 10.04, performanceNow: 20_000 }),
      );
      expect(point.performanceTime).toBe(20_000);
    });

    it('ignores implausible latencies: negative, over a second, NaN or missing', () => {
      for (const outputLatency of [-0.02, 1.5, Number.NaN, undefined]) {
        const point = outputClockPoint(reading({ outputTimestamp: null, outputLatency, baseLatency: undefined }));
        expect(point.contextTime).toBeCloseTo(10.045, 9);
      }
      expect(plausibleLatency(0.2)).toBe(0.2);
      expect(plausibleLatency(0)).toBe(0);
      expect(plausibleLatency(Number.POSITIVE_INFINITY)).toBe(0);
    });
  });

  describe('steadying the device clock', () => {
    it('knows nothing from no readings', () => {
      expect(steadyOutputPoint([])).toBeNull();
    });

    it('drops one late render callback', () => {
      const points = [0, 100, 200, 300, 400].map((ms) => ({ contextTime: 10 + ms / 1000, performanceTime: 20_000 + ms }));
      points[2] = { contextTime: 10.2, performanceTime: 20_203 }; // timestamped 3 ms late
      const steady = steadyOutputPoint(points);
      expect(steady?.performanceTime).toBe(20_400);
      expect(steady?.contextTime).toBeCloseTo(10.4, 9);
    });

    it('takes the middle of an even count', () => {
      const steady = steadyOutputPoint([
        { contextTime: 10, performanceTime: 20_000 },
        { contextTime: 10.1, performanceTime: 20_099 },
      ]);
      expect(steady?.contextTime).toBeCloseTo(10.0995, 9);
    });
  });

  describe('planning a start', () => {
    const playing = (change: Partial<Playback> = {}): Playback => ({
      songId: 's',
      status: 'playing',
      position: 12,
      anchor: serverAt(20_080),
      version: 3,
      ...change,
    });

    it('starts on time at the anchor, from the anchored position', () => {
      const plan = planStart(playing(), POINT, base(), 10.05, 180);
      expect(plan?.when).toBeCloseTo(10.08, 9);
      expect(plan?.offset).toBeCloseTo(12, 9);
    });

    it('maps the anchor through the clock offset and the output delay', () => {
      const plan = planStart(
        playing({ anchor: serverAt(20_500, 250) }),
        POINT,
        base({ clockOffsetMs: 250, outputDelayMs: 100 }),
        10.05,
        180,
      );
      expect(plan?.when).toBeCloseTo(10.4, 9);
      expect(plan?.offset).toBeCloseTo(12, 9);
    });

    it('starts a late message at the earliest moment, at the offset the song has reached by then', () => {
      const plan = planStart(playing({ anchor: serverAt(19_000) }), POINT, base(), 10.03, 180);
      expect(plan?.when).toBe(10.03);
      expect(plan?.offset).toBeCloseTo(12 + 1.03, 9);
    });

    it('starts a late joiner minutes into the song', () => {
      const plan = planStart(playing({ position: 0, anchor: serverAt(20_000 - 95_500) }), POINT, base(), 10.03, 180);
      expect(plan?.offset).toBeCloseTo(95.53, 9);
    });

    it('does not start a song that is over by then', () => {
      expect(planStart(playing({ position: 0, anchor: serverAt(20_000 - 200_000) }), POINT, base(), 10.03, 180)).toBeNull();
    });
  });
});
