import { CLOCK_ESTIMATE, CLOCK_WINDOW, ClockWindow, estimateClock, measureSample, type ClockSample } from './clock.js';

/** An exchange with a server `offset` ms ahead, `up`/`down` ms on the wire, 1 ms of server work. */
function exchange(t0: number, offset: number, up: number, down: number): ClockSample {
  const t1 = t0 + up + offset;
  const t2 = t1 + 1;
  return { t0, t1, t2, t3: t2 - offset + down };
}

/**
 * Exchanges every `everyMs` for `count`, the server `offset(t)` ms ahead at client
 * time t (a drifting clock), each way 25–55 ms (40 ± 15 uniform) from `next`.
 */
function drifting(count: number, everyMs: number, offset: (t: number) => number, next: () => number): ClockSample[] {
  return Array.from({ length: count }, (_, i) => {
    const t0 = i * everyMs;
    return exchange(t0, offset(t0 + 40), 25 + 30 * next(), 25 + 30 * next());
  });
}

/** A deterministic pseudo-random sequence in [0, 1), so the jitter tests are repeatable. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe('measureSample', () => {
  it('recovers the offset exactly on a symmetric path', () => {
    const m = measureSample(exchange(1000, 250.5, 20, 20));
    expect(m).not.toBeNull();
    expect(m!.offset).toBeCloseTo(250.5, 9);
    expect(m!.rtt).toBeCloseTo(40, 9);
  });

  it('is off by half the asymmetry on an asymmetric path', () => {
    const m = measureSample(exchange(0, -3200, 5, 60));
    expect(m!.offset).toBeCloseTo(-3200 + (5 - 60) / 2, 9);
    expect(m!.rtt).toBeCloseTo(65, 9);
  });

  it('rejects timestamps that cannot be real', () => {
    expect(measureSample({ t0: 0, t1: 5, t2: 4, t3: 10 })).toBeNull(); // server replied before it received
    expect(measureSample({ t0: 10, t1: 5, t2: 6, t3: 9 })).toBeNull(); // negative round trip
    expect(measureSample({ t0: Number.NaN, t1: 5, t2: 6, t3: 9 })).toBeNull();
    expect(measureSample({ t0: 0, t1: Infinity, t2: 6, t3: 9 })).toBeNull();
  });
});

describe('estimateClock', () => {
  it('takes each direction’s least delay, so queueing in either direction does not skew it', () => {
    const truth = 5100;
    const samples = [
      exchange(0, truth, 40, 120), // queued on the way down
      exchange(100, truth, 200, 10), // queued on the way up, but the fastest way down
      exchange(200, truth, 15, 15),
      exchange(300, truth, 10, 30), // the fastest way up
    ].map((s) => measureSample(s)!);
    const estimate = estimateClock(samples)!;
    // (min up − min down) / 2 = (10 − 10) / 2: exact, though no single exchange was.
    expect(estimate.offset).toBeCloseTo(truth, 9);
    expect(estimate.rtt).toBe(30);
    expect(estimate.window).toBe(4);
  });

  it('stays within a millisecond under 40 ± 15 ms of jitter each way, where one exchange is off by several', () => {
    const next = random(42);
    for (const truth of [-3200, 700, 5100]) {
      const measurements = Array.from({ length: 30 }, (_, i) =>
        measureSample(exchange(i * 1000, truth, 25 + 30 * next(), 25 + 30 * next())),
      ).map((m) => m!);
      const fastest = [...measurements].sort((a, b) => a.rtt - b.rtt)[0]!;
      expect(Math.abs(estimateClock(measurements)!.offset - truth)).toBeLessThan(1);
      // The lowest-round-trip exchange alone, for comparison, is typically worse.
      expect(Math.abs(fastest.offset - truth)).toBeLessThan(15);
    }
  });

  it('is off by half the difference of the least delays on an asymmetric path (the physical floor)', () => {
    const measurements = [0, 1, 2].map((i) => measureSample(exchange(i * 100, 0, 5, 60))!);
    expect(estimateClock(measurements)!.offset).toBeCloseTo((5 - 60) / 2, 9);
  });

  it('has no estimate without samples', () => {
    expect(estimateClock([])).toBeNull();
  });
});

describe('estimateClock with a drifting clock', () => {
  const ppm = 1e-6;
  const unfitted = { ...CLOCK_ESTIMATE, maxDrift: 0 }; // the same window taken as one offset
  const before = { ...CLOCK_ESTIMATE, offsetSpanMs: 32_000, maxDrift: 0 }; // the estimate before the drift fit: 32 s, flat

  it('recovers a known drift from 256 s of exchanges at 2 a second, where the window taken flat is off by drift × span / 2', () => {
    const next = random(11);
    for (const drift of [50 * ppm, -100 * ppm]) {
      const truth = (t: number): number => 700 + drift * t;
      const measurements = drifting(512, 500, truth, next).map((s) => measureSample(s)!);
      const newest = measurements[measurements.length - 1]!.at;
      const estimate = estimateClock(measurements)!;
      expect(Math.abs(estimate.drift - drift)).toBeLessThan(5 * ppm);
      expect(Math.abs(estimate.offset - truth(newest))).toBeLessThan(0.5);
      expect(Math.abs(estimateClock(measurements, undefined, unfitted)!.offset - truth(newest))).toBeGreaterThan(1.5);
    }
  });

  it('gives the offset at the client time asked for, along the fitted drift', () => {
    const truth = (t: number): number => -3200 + 80 * ppm * t;
    const measurements = Array.from({ length: 300 }, (_, i) => measureSample(exchange(i * 500, truth(i * 500 + 20), 20, 20))!);
    const estimate = estimateClock(measurements, 200_000)!;
    expect(estimate.drift).toBeCloseTo(80 * ppm, 9);
    expect(estimate.offset).toBeCloseTo(truth(200_000), 2);
  });

  it('with no drift is no worse than the estimate before the drift fit', () => {
    const next = random(5);
    let squared = 0;
    let flatSquared = 0;
    for (let run = 0; run < 40; run++) {
      const measurements = drifting(512, 500, () => 5100, next).map((s) => measureSample(s)!);
      squared += (estimateClock(measurements)!.offset - 5100) ** 2;
      flatSquared += (estimateClock(measurements, undefined, before)!.offset - 5100) ** 2;
    }
    expect(Math.sqrt(squared / 40)).toBeLessThan(Math.sqrt(flatSquared / 40));
  });

  it('fits no drift to a window shorter than CLOCK_ESTIMATE.minDriftSpanMs, such as a first second of 40 exchanges', () => {
    const truth = (t: number): number => 100 * ppm * t; // 100 ppm and no jitter: a slope would be easy to see
    const burst = Array.from({ length: 40 }, (_, i) => measureSample(exchange(i * 25, truth(i * 25), 20, 20))!);
    expect(estimateClock(burst)!.drift).toBe(0);
    const short = Array.from({ length: 200 }, (_, i) => (i * (CLOCK_ESTIMATE.minDriftSpanMs - 1)) / 199);
    expect(estimateClock(short.map((t) => measureSample(exchange(t, truth(t), 20, 20))!))!.drift).toBe(0);
    const sparse = Array.from({ length: CLOCK_ESTIMATE.minDriftExchanges - 1 }, (_, i) => i * 1000);
    expect(estimateClock(sparse.map((t) => measureSample(exchange(t, truth(t), 20, 20))!))!.drift).toBe(0);
  });

  it('clamps a fitted drift no device clock has', () => {
    const truth = (t: number): number => 500 * ppm * t;
    const measurements = Array.from({ length: 300 }, (_, i) => measureSample(exchange(i * 500, truth(i * 500 + 20), 20, 20))!);
    expect(estimateClock(measurements)!.drift).toBe(CLOCK_ESTIMATE.maxDrift);
    expect(CLOCK_ESTIMATE.maxDrift).toBeCloseTo(200 * ppm, 12);
  });
});

describe('ClockWindow', () => {
  it('keeps at most maxSamples, the most recent', () => {
    const window = new ClockWindow({ spanMs: 60_000, maxSamples: 4 });
    window.add(exchange(0, 100, 1, 1)); // the best sample, about to slide out
    for (let i = 1; i <= 4; i++) window.add(exchange(i * 100, 300, 10, 10));
    const estimate = window.estimate()!;
    expect(estimate.window).toBe(4);
    expect(estimate.offset).toBeCloseTo(300, 9);
  });

  it('forgets exchanges older than its span, counted back from the newest answer', () => {
    const window = new ClockWindow({ spanMs: 10_000, maxSamples: 256 });
    window.add(exchange(0, 100, 1, 1)); // answered at 2 (client clock): the best, but old
    window.add(exchange(5_000, 300, 10, 10)); // answered at 5 020
    window.add(exchange(10_000, 300, 10, 10)); // answered at 10 020: the first falls out
    const estimate = window.estimate()!;
    expect(estimate.window).toBe(2);
    expect(estimate.offset).toBeCloseTo(300, 9);
  });

  it('by default keeps 256 s of exchanges, however many (up to 1024)', () => {
    expect(CLOCK_WINDOW).toEqual({ spanMs: 256_000, maxSamples: 1024 });
    const window = new ClockWindow();
    for (let i = 0; i < 1100; i++) window.add(exchange(i * 50, 0, 10, 10)); // 55 s at 20 a second
    expect(window.estimate()!.window).toBe(1024);
  });

  it('estimates better with more exchanges in the same span under jitter (taken flat: the jitter term alone)', () => {
    const next = random(7);
    const worst = (perSecond: number): number => {
      let max = 0;
      for (let run = 0; run < 20; run++) {
        const window = new ClockWindow({ spanMs: 32_000, maxSamples: 256 }, { ...CLOCK_ESTIMATE, maxDrift: 0 });
        for (let i = 0; i < 32 * perSecond; i++) {
          window.add(exchange((i * 1000) / perSecond, 0, 25 + 30 * next(), 25 + 30 * next()));
        }
        max = Math.max(max, Math.abs(window.estimate()!.offset));
      }
      return max;
    };
    expect(worst(4)).toBeLessThan(worst(1) / 2);
  });

  it('washes out a step of the server clock within its span', () => {
    const next = random(13);
    const window = new ClockWindow();
    const stepAt = 60_000;
    const truth = (t: number): number => 300 + (t >= stepAt ? 5 : 0); // the cluster corrects its clock by 5 ms
    const samples = drifting((stepAt + CLOCK_WINDOW.spanMs + 2_000) / 500, 500, truth, next);
    let errorAfterStep = 0;
    for (const sample of samples) {
      window.add(sample);
      if (sample.t0 === stepAt + 10_000) errorAfterStep = Math.abs(window.estimate()!.offset - 305);
    }
    expect(errorAfterStep).toBeGreaterThan(0.5); // still leaning on exchanges from before the step
    expect(Math.abs(window.estimate()!.offset - 305)).toBeLessThan(0.5); // none left
  });

  it('refuses implausible samples', () => {
    const window = new ClockWindow();
    expect(window.add({ t0: 10, t1: 5, t2: 6, t3: 9 })).toBe(false);
    expect(window.estimate()).toBeNull();
  });

  it('forgets everything on clear', () => {
    const window = new ClockWindow();
    window.add(exchange(0, 1, 1, 1));
    window.clear();
    expect(window.estimate()).toBeNull();
  });
});
