import { ClockWindow, estimateClock, measureSample, type ClockSample } from './clock.js';

/** An exchange with a server `offset` ms ahead, `up`/`down` ms on the wire, 1 ms of server work. */
function exchange(t0: number, offset: number, up: number, down: number): ClockSample {
  const t1 = t0 + up + offset;
  const t2 = t1 + 1;
  return { t0, t1, t2, t3: t2 - offset + down };
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
  it('trusts the lowest round trips and ignores queued samples', () => {
    const truth = 5100;
    const samples = [
      exchange(0, truth, 40, 120), // queued on the way down: offset off by −40
      exchange(100, truth, 200, 10), // queued on the way up: off by +95
      exchange(200, truth, 15, 15),
      exchange(300, truth, 16, 14),
      exchange(400, truth, 14, 16),
    ].map((s) => measureSample(s)!);
    const estimate = estimateClock(samples, 3)!;
    expect(Math.abs(estimate.offset - truth)).toBeLessThanOrEqual(1);
    expect(estimate.rtt).toBe(30);
    expect(estimate.used).toBe(3);
    expect(estimate.window).toBe(5);
  });

  it('takes the median of the best samples', () => {
    const estimate = estimateClock(
      [
        { offset: 10, rtt: 1 },
        { offset: 500, rtt: 2 },
        { offset: 12, rtt: 3 },
        { offset: -900, rtt: 50 },
      ],
      3,
    )!;
    expect(estimate.offset).toBe(12);
  });

  it('has no estimate without samples', () => {
    expect(estimateClock([])).toBeNull();
  });
});

describe('ClockWindow', () => {
  it('keeps only the most recent samples', () => {
    const window = new ClockWindow(4, 1);
    window.add(exchange(0, 100, 1, 1)); // the best sample, about to slide out
    for (let i = 1; i <= 4; i++) window.add(exchange(i * 100, 300, 10, 10));
    const estimate = window.estimate()!;
    expect(estimate.window).toBe(4);
    expect(estimate.offset).toBeCloseTo(300, 9);
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
