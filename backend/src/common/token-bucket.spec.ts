import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('allows a burst up to its capacity, then refuses', () => {
    const bucket = new TokenBucket(3, 1, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([true, true, true, false]);
  });

  it('refills at its rate, never beyond its capacity', () => {
    const bucket = new TokenBucket(2, 4, 0);
    bucket.take(0);
    bucket.take(0);
    expect(bucket.take(100)).toBe(false); // 0.4 tokens
    expect(bucket.take(250)).toBe(true); // 1 token after 250 ms
    expect([bucket.take(60_000), bucket.take(60_000), bucket.take(60_000)]).toEqual([true, true, false]);
  });

  it('does not mint tokens when the clock goes backwards', () => {
    const bucket = new TokenBucket(1, 1, 1000);
    bucket.take(1000);
    expect(bucket.take(0)).toBe(false);
  });
});
