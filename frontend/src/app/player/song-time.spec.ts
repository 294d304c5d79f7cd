import { formatSongTime } from './song-time';

describe('formatSongTime', () => {
  it('shows minutes and two-digit seconds, dropping fractions', () => {
    expect(formatSongTime(0)).toBe('0:00');
    expect(formatSongTime(9.99)).toBe('0:09');
    expect(formatSongTime(65.4)).toBe('1:05');
    expect(formatSongTime(3599)).toBe('59:59');
  });

  it('adds hours from an hour up', () => {
    expect(formatSongTime(3600)).toBe('1:00:00');
    expect(formatSongTime(3725)).toBe('1:02:05');
  });

  it('shows nonsense as zero', () => {
    expect(formatSongTime(-3)).toBe('0:00');
    expect(formatSongTime(Number.NaN)).toBe('0:00');
  });
});
