import { formatSongTime } from '../player/song-time';

const KB = 1000;
const MB = 1000 * KB;
const GB = 1000 * MB;

/** Whole percent done; 100 only once every byte is in. */
export function percentOf(done: number, total: number): number {
  return total > 0 ? Math.floor((Math.min(done, total) * 100) / total) : 0;
}

/** A size in decimal units, as browsers and operating systems show file sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < KB) return `${bytes} B`;
  if (bytes < MB) return `${Math.round(bytes / KB)} kB`;
  if (bytes < GB) return `${(bytes / MB).toFixed(1)} MB`;
  return `${(bytes / GB).toFixed(2)} GB`;
}

export function formatRate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null) return '— MB/s';
  const mb = bytesPerSecond / MB;
  return `${mb.toFixed(mb < 10 ? 1 : 0)} MB/s`;
}

export function formatTimeLeft(seconds: number | null): string {
  return seconds === null ? '—' : `${formatSongTime(Math.ceil(seconds))} left`;
}
