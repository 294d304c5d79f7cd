import { TransferRate } from './transfer-rate';

describe('TransferRate', () => {
  it('knows no speed until a quarter second was measured', () => {
    const rate = new TransferRate();
    expect(rate.bytesPerSecond()).toBeNull();
    rate.add(1000, 0);
    rate.add(1100, 500_000);
    expect(rate.bytesPerSecond()).toBeNull();
    rate.add(1250, 1_000_000);
    expect(rate.bytesPerSecond()).toBeCloseTo(4_000_000);
  });

  it('follows a change of speed within the last three seconds', () => {
    const rate = new TransferRate();
    // 1 MB/s for ten seconds, then 4 MB/s for three.
    for (let s = 0; s <= 10; s++) rate.add(s * 1000, s * 1_000_000);
    expect(rate.bytesPerSecond()).toBeCloseTo(1_000_000);
    for (let s = 1; s <= 3; s++) rate.add(10_000 + s * 1000, 10_000_000 + s * 4_000_000);
    expect(rate.bytesPerSecond()).toBeCloseTo(4_000_000);
  });

  it('smooths bursts of acks over the window', () => {
    const rate = new TransferRate();
    // Eight chunks acked together every half second: 2 MB/s on average.
    for (let burst = 0; burst <= 8; burst++) {
      for (let i = 1; i <= 8; i++) rate.add(burst * 500 + i, burst * 1_000_000 + i * 125_000);
    }
    expect(rate.bytesPerSecond()).toBeGreaterThan(1_900_000);
    expect(rate.bytesPerSecond()).toBeLessThan(2_100_000);
  });

  it('starts over after a reset', () => {
    const rate = new TransferRate();
    rate.add(0, 0);
    rate.add(1000, 1_000_000);
    rate.reset();
    expect(rate.bytesPerSecond()).toBeNull();
    rate.add(60_000, 1_000_000);
    rate.add(61_000, 3_000_000);
    expect(rate.bytesPerSecond()).toBeCloseTo(2_000_000);
  });
});
