import { CLOCK_WINDOW, ClockWindow, estimateClock, measureSample, type ClockSample } from './clock.js';

/** An exchange with a server `offset` ms ahead, `up`/`down` ms on the wire, 1 ms of server work. */
function exchange(t0: number, offset: number, up: number, down: number): ClockSample {
  const t1 = t0 + up + offset;
  const t2 = t1 + 1;
  return { t0, t1, t2, t3: t2 - offset + down };
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

  it('by default combines 32 s of exchanges, however many (up to 256)', () => {
    expect(CLOCK_WINDOW).toEqual({ spanMs: 32_000, maxSamples: 256 });
    const window = new ClockWindow();
    for (let i = 0; i < 300; i++) window.add(exchange(i * 50, 0, 10, 10)); // 15 s at 20 a second
    expect(window.estimate()!.window).toBe(256);
  });

  it('estimates better with more exchanges in the same span under jitter', () => {
    const next = random(7);
    const worst = (perSecond: number): number => {
      let max = 0;
      for (let run = 0; run < 20; run++) {
        const window = new ClockWindow();
        for (let i = 0; i < 32 * perSecond; i++) {
          window.add(exchange((i * 1000) / perSecond, 0, 25 + 30 * next(), 25 + 30 * next()));
        }
        max = Math.max(max, Math.abs(window.estimate()!.offset));
      }
      return max;
    };
    expect(worst(4)).toBeLessThan(worst(1) / 2);
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
