import { bestOffset, redisTimeMs, sampleOf } from './cluster-clock.js';

describe('the cluster clock estimate', () => {
  it('takes the reference as read at the midpoint of the exchange', () => {
    expect(sampleOf(1000, 4000.5, 1002)).toEqual({ offset: 2999.5, rtt: 2 });
  });

  it('trusts the lowest-round-trip sample, not the average', () => {
    const samples = [
      { offset: 12, rtt: 9 },
      { offset: 3.25, rtt: 0.2 },
      { offset: -6, rtt: 4 },
    ];
    expect(bestOffset(samples)).toBe(3.25);
    expect(bestOffset([])).toBeNull();
  });

  it('reads Redis TIME (seconds, microseconds) as epoch milliseconds to the microsecond', () => {
    expect(redisTimeMs(['1795533263', '72623'])).toBe(1795533263072.623);
  });
});
