import { lowerEnvelopeSlope, type DelayPoint } from './clock-drift.js';

describe('lowerEnvelopeSlope', () => {
  it('finds the slope of the line that every delay sits on or above', () => {
    // 0.05 ms per s = 50 ppm, with 0–30 ms of queueing (scrambled) on top and every tenth point on the floor.
    const points = Array.from({ length: 200 }, (_, i) => ({
      t: i * 500,
      delay: 40 + 50e-6 * i * 500 + (i % 10 === 0 ? 0 : ((i * 7_919) % 101) * 0.3),
    }));
    expect(lowerEnvelopeSlope(points)).toBeCloseTo(50e-6, 9);
  });

  it('takes the hull edge above the mean time (the least sum of distances), not the steepest or the flattest', () => {
    // Lower hull: (0, 0) → (10, 1) → (20, 4); the mean time is 12.5, over the second edge.
    const points: DelayPoint[] = [
      { t: 0, delay: 0 },
      { t: 10, delay: 1 },
      { t: 15, delay: 9 },
      { t: 20, delay: 4 },
      { t: 17.5, delay: 9 },
    ];
    expect(lowerEnvelopeSlope(points)).toBeCloseTo(0.3, 12);
  });

  it('keeps the lowest of points at the same time, in any order', () => {
    const points: DelayPoint[] = [
      { t: 10, delay: 3 },
      { t: 0, delay: 5 },
      { t: 10, delay: 2 },
      { t: 0, delay: 1 },
    ];
    expect(lowerEnvelopeSlope(points)).toBeCloseTo(0.1, 12);
  });

  it('has no slope for points that span no time', () => {
    expect(lowerEnvelopeSlope([])).toBeNull();
    expect(lowerEnvelopeSlope([{ t: 5, delay: 1 }])).toBeNull();
    expect(lowerEnvelopeSlope([{ t: 5, delay: 1 }, { t: 5, delay: 3 }])).toBeNull();
  });
});
