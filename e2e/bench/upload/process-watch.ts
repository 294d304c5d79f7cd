import { readFileSync, writeFileSync } from 'node:fs';

const MIB = 1024 * 1024;
const SAMPLE_MS = 100;
/** clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

export interface RssSample {
  /** Share of the upload acknowledged when the sample was taken, 0–1. */
  readonly progress: number;
  readonly rssMiB: number;
}

export interface ProcessWatchResult {
  readonly baselineMiB: number;
  /** The larger of the sampled peak and the kernel's high-water mark (VmHWM, reset at start). */
  readonly peakMiB: number;
  readonly growthMiB: number;
  /** Whether the kernel's high-water mark could be reset, so `peakMiB` misses nothing between samples. */
  readonly exactPeak: boolean;
  readonly samples: readonly RssSample[];
  /** CPU time of the whole process (all threads) over the wall time, 1 = one core busy. */
  readonly cores: number;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const value = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1];
  if (value === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(value) / 1024;
}

function cpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th overall.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/**
 * Whether a process has loaded bufferutil's native addon, i.e. whether its ws masks and
 * unmasks frames natively (ws loads it by itself when it can; otherwise it masks in JavaScript).
 */
export function masksNatively(pid: number | 'self'): boolean {
  return readFileSync(`/proc/${pid}/maps`, 'utf8').includes('bufferutil.node');
}

/** A process's command line, e.g. to show the Node flags a server really runs with. */
export function commandLine(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
}

/** A process's resident set now (VmRSS), in MiB. */
export const rssMiB = (pid: number): number => statusField(pid, 'VmRSS');

/**
 * Watches another process during one measurement: its resident set (VmRSS,
 * sampled every 100 ms with the upload's progress, and the kernel's peak VmHWM,
 * reset at the start through clear_refs) and its CPU time.
 */
export class ProcessWatch {
  private readonly pid: number;
  private readonly progress: () => number;
  private readonly samples: RssSample[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly baselineMiB: number;
  private readonly exactPeak: boolean;
  private readonly startCpu: number;
  private readonly startedAt = performance.now();

  constructor(pid: number, progress: () => number) {
    this.pid = pid;
    this.progress = progress;
    this.exactPeak = resetPeak(pid);
    this.startCpu = cpuSeconds(pid);
    this.baselineMiB = statusField(pid, 'VmRSS');
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): ProcessWatchResult {
    clearInterval(this.timer);
    this.sample();
    const cores = (cpuSeconds(this.pid) - this.startCpu) / ((performance.now() - this.startedAt) / 1000);
    const sampledPeak = Math.max(...this.samples.map((s) => s.rssMiB));
    const peakMiB = this.exactPeak ? Math.max(sampledPeak, statusField(this.pid, 'VmHWM')) : sampledPeak;
    return { baselineMiB: this.baselineMiB, peakMiB, growthMiB: peakMiB - this.baselineMiB, exactPeak: this.exactPeak, samples: this.samples, cores };
  }

  private sample(): void {
    this.samples.push({ progress: this.progress(), rssMiB: statusField(this.pid, 'VmRSS') });
  }
}

/** Resets the process's VmHWM to its current RSS (Linux ≥ 4.0; needs the right to write its clear_refs). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time of this process over a span: `stop()` gives cores busy on average. */
export function watchOwnCpu(): { stop(): number } {
  const start = process.cpuUsage();
  const startedAt = performance.now();
  return {
    stop: () => {
      const { user, system } = process.cpuUsage(start);
      return (user + system) / 1e6 / ((performance.now() - startedAt) / 1000);
    },
  };
}

export const toMiB = (bytes: number): number => bytes / MIB;
