import { formatBytes, formatRate, formatTimeLeft, percentOf } from './transfer-format';

describe('transfer formatting', () => {
  it('rounds the percentage down, so 100% means every byte', () => {
    expect(percentOf(0, 10)).toBe(0);
    expect(percentOf(999, 1000)).toBe(99);
    expect(percentOf(1000, 1000)).toBe(100);
    expect(percentOf(0, 0)).toBe(0);
  });

  it('shows sizes in decimal units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64_000)).toBe('64 kB');
    expect(formatBytes(12_345_678)).toBe('12.3 MB');
    expect(formatBytes(4_500_000_000)).toBe('4.50 GB');
  });

  it('shows the speed in MB/s, a dash until it is known', () => {
    expect(formatRate(null)).toBe('— MB/s');
    expect(formatRate(2_345_000)).toBe('2.3 MB/s');
    expect(formatRate(42_600_000)).toBe('43 MB/s');
  });

  it('shows the time left in whole seconds, rounded up', () => {
    expect(formatTimeLeft(null)).toBe('—');
    expect(formatTimeLeft(0.2)).toBe('0:01 left');
    expect(formatTimeLeft(125)).toBe('2:05 left');
  });
});
