import type { ProbeDrain } from './page-probe.ts';

/** getOutputTimestamp() pairs within this many seconds of a click map it to true time. */
const STAMP_REACH_S = 3;
/** How many of the nearest stamps vote (median) on a click's time. */
const STAMP_VOTES = 9;
/** Two stamps belong to one steadily running stretch if context and performance time agree this well (ms). */
const STAMP_STEADY_MS = 2;

interface ContextLog {
  sampleRate: number;
  edges: number[];
  stamps: number[];
  error: string | null;
}

/** One time:ping exchange a page made: t0, t3 on its clock; t1, t2 on the server's; `at` its true epoch receipt. */
interface PingSample {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
  readonly at: number;
}

/** Everything one page's probe reported, accumulated over drains. */
export class PageRecording {
  readonly name: string;
  private timeOrigin = Number.NaN;
  private readonly contexts = new Map<number, ContextLog>();
  private readonly pingLog: PingSample[] = [];
  private readonly connectLog: number[] = [];
  private readonly reportLog: { at: number; errorMs: number }[] = [];

  constructor(name: string) {
    this.name = name;
  }

  add(drain: ProbeDrain): void {
    this.timeOrigin = drain.timeOrigin;
    for (let i = 0; i + 4 < drain.pings.length; i += 5) {
      const [t0, t1, t2, t3, received] = drain.pings.slice(i, i + 5) as [number, number, number, number, number];
      this.pingLog.push({ t0, t1, t2, t3, at: drain.timeOrigin + received });
    }
    this.connectLog.push(...drain.connects.map((t) => drain.timeOrigin + t));
    for (let i = 0; i + 1 < drain.reports.length; i += 2) {
      this.reportLog.push({ at: drain.timeOrigin + drain.reports[i]!, errorMs: drain.reports[i + 1]! });
    }
    for (const { id, sampleRate, edges, stamps, error } of drain.contexts) {
      const log = this.contexts.get(id) ?? { sampleRate, edges: [], stamps: [], error: null };
      log.edges.push(...edges);
      log.stamps.push(...stamps);
      log.error = error;
      this.contexts.set(id, log);
    }
  }

  /** The page's time:ping exchanges, oldest first. */
  get pings(): readonly PingSample[] {
    return this.pingLog;
  }

  /** True epoch times the page opened a WebSocket. */
  get connects(): readonly number[] {
    return this.connectLog;
  }

  /** The errors the page reported in sync:report (ms, + = ahead of the room), with their true epoch times. */
  get selfReports(): readonly { readonly at: number; readonly errorMs: number }[] {
    return this.reportLog;
  }

  get heardAnything(): boolean {
    return [...this.contexts.values()].some((log) => log.edges.length > 0);
  }

  get errors(): string[] {
    return [...this.contexts.values()].flatMap((log) => (log.error ? [log.error] : []));
  }

  /** True epoch times (ms) at which each click reached the output, and how many clicks could not be mapped. */
  clicks(): { times: number[]; unmapped: number } {
    const times: number[] = [];
    let unmapped = 0;
    for (const log of this.contexts.values()) {
      const steady = steadyStamps(log.stamps);
      for (const frame of log.edges) {
        const performanceTime = outputTimeOf(frame / log.sampleRate, steady);
        if (performanceTime === null) unmapped++;
        else times.push(this.timeOrigin + performanceTime);
      }
    }
    return { times: times.sort((a, b) => a - b), unmapped };
  }
}

interface Stamp {
  readonly contextTime: number;
  readonly performanceTime: number;
}

/**
 * The stamps taken while the context was running steadily: a stamp counts if
 * context time advanced since the previous one by as much as performance time
 * did. Drops the stamps of a suspended context (its context time stands still).
 */
function steadyStamps(flat: readonly number[]): Stamp[] {
  const stamps: Stamp[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) stamps.push({ contextTime: flat[i]!, performanceTime: flat[i + 1]! });
  stamps.sort((a, b) => a.contextTime - b.contextTime || a.performanceTime - b.performanceTime);
  return stamps.filter((stamp, i) => {
    const before = stamps[i - 1];
    if (!before) return false;
    const contextMs = (stamp.contextTime - before.contextTime) * 1000;
    const performanceMs = stamp.performanceTime - before.performanceTime;
    return contextMs > 0 && Math.abs(contextMs - performanceMs) < STAMP_STEADY_MS;
  });
}

/** The performance time at which context time `contextTime` reached the output: median over the nearest stamps. */
function outputTimeOf(contextTime: number, stamps: readonly Stamp[]): number | null {
  let low = 0;
  let high = stamps.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (stamps[middle]!.contextTime < contextTime) low = middle + 1;
    else high = middle;
  }
  const near: Stamp[] = [];
  let left = low - 1;
  let right = low;
  while (near.length < STAMP_VOTES) {
    const l = stamps[left];
    const r = stamps[right];
    const lDistance = l ? contextTime - l.contextTime : Infinity;
    const rDistance = r ? r.contextTime - contextTime : Infinity;
    if (Math.min(lDistance, rDistance) > STAMP_REACH_S) break;
    if (lDistance <= rDistance) {
      near.push(l!);
      left--;
    } else {
      near.push(r!);
      right++;
    }
  }
  if (near.length === 0) return null;
  return median(near.map((s) => s.performanceTime + (contextTime - s.contextTime) * 1000));
}

export interface Click {
  readonly page: string;
  readonly at: number;
}

/** The same click as rendered by several pages. */
export interface ClickGroup {
  readonly start: number;
  readonly times: ReadonlyMap<string, number>;
}

/**
 * Matches clicks across pages by time: a group opens at a click and takes, from
 * each other page, the first click within `windowMs` (clicks are 500 ms apart,
 * so anything under 250 ms of skew matches unambiguously).
 */
export function groupClicks(clicks: readonly Click[], windowMs = 250): ClickGroup[] {
  const sorted = [...clicks].sort((a, b) => a.at - b.at);
  const groups: { start: number; times: Map<string, number> }[] = [];
  const open: { start: number; times: Map<string, number> }[] = [];
  for (const click of sorted) {
    while (open.length > 0 && click.at - open[0]!.start >= windowMs) open.shift();
    const group = open.find((g) => !g.times.has(click.page));
    if (group) group.times.set(click.page, click.at);
    else {
      const created = { start: click.at, times: new Map([[click.page, click.at]]) };
      groups.push(created);
      open.push(created);
    }
  }
  return groups;
}

/** A stretch of the script: from when a change is due until the next one is. */
export interface Phase {
  readonly label: string;
  readonly dueAt: number;
  readonly endAt: number;
  /**
   * `change`: starts with a playback change whose first click is worth reporting;
   * `pause`: nothing should be heard once it settles; `hold`: playback just goes on.
   */
  readonly kind: 'change' | 'pause' | 'hold';
  /** What the server scheduled during the phase (null while paused). */
  readonly schedule: Schedule | null;
}

/** A playing song: position `position` (s) is heard at server time `anchor` (epoch ms). */
export interface Schedule {
  readonly position: number;
  readonly anchor: number;
  /** Song positions (s) of the song's clicks, ascending. */
  readonly clicks: readonly number[];
}

/**
 * How late (ms, negative = early) a click heard at true time `at` is against the
 * server's schedule: the nearest click of the song to where the schedule is at
 * `at` should have been heard at anchor + (click − position) s. The server runs
 * on this machine, so server time is true time.
 */
export function scheduleError(at: number, schedule: Schedule): number {
  const heard = schedule.position + (at - schedule.anchor) / 1000;
  const { clicks } = schedule;
  let low = 0;
  let high = clicks.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (clicks[middle]! < heard) low = middle + 1;
    else high = middle;
  }
  const candidates = [clicks[low - 1], clicks[low]].filter((c): c is number => c !== undefined);
  const nearest = candidates.reduce((a, b) => (Math.abs(b - heard) < Math.abs(a - heard) ? b : a));
  return at - (schedule.anchor + (nearest - schedule.position) * 1000);
}

interface PhaseResult {
  readonly label: string;
  /** Spread (ms) of each settled, complete click group. */
  readonly spreads: number[];
  /** Spread of the first click group after the change (all pages that rendered it), if any. */
  readonly firstClick: { readonly spreadMs: number; readonly pages: number; readonly afterDueMs: number } | null;
  /** Settled groups missing an expected page. */
  readonly incomplete: number;
  /** Settled click groups in a pause phase: audio that should have stopped. */
  readonly heardWhilePaused: number;
}

export interface PageStats {
  readonly page: string;
  /** Mean lead (−) or lag (+) behind the mean of the group, over settled groups (ms). */
  readonly meanMs: number;
  /** Standard deviation of that offset (ms). */
  readonly stdMs: number;
  /** Mean and standard deviation of how late the page was against the server's schedule (ms). */
  readonly lateMs: number;
  readonly lateStdMs: number;
  /** Mean lateness per phase (index into the phases), where the page had settled clicks. */
  readonly latePerPhase: ReadonlyMap<number, number>;
  readonly clicks: number;
}

export interface SkewResult {
  readonly phases: PhaseResult[];
  /** Every settled spread (ms), all phases. */
  readonly spreads: number[];
  readonly pages: PageStats[];
  /**
   * Spreads once each page's mean offset within each phase is taken out: what
   * moves within a phase (jitter, corrections, estimate updates). Compare with
   * `spreads` to see whether offsets held through a phase or movement dominate.
   */
  readonly withinPhaseSpreads: number[];
  /** Per settled group: `time of page` − median of the other expected pages (ms), by page. */
  readonly lagBehindOthers: ReadonlyMap<string, number[]>;
  /** Every settled click's lateness against the server's schedule, by page. */
  readonly lateness: ReadonlyMap<string, readonly LateClick[]>;
}

interface LateClick {
  readonly phase: number;
  /** True epoch ms the click was heard. */
  readonly at: number;
  /** How late against the server's schedule (ms). */
  readonly value: number;
}

/**
 * Skew per phase. A group counts once settled (its first click at least
 * `settleMs` after the phase's change was due) and complete (it has a click
 * from every page `expectedAt` its time); its skew is max − min over those pages.
 */
export function analyseSkew(
  groups: readonly ClickGroup[],
  phases: readonly Phase[],
  expectedAt: (at: number) => readonly string[],
  settleMs: number,
): SkewResult {
  const results: PhaseResult[] = [];
  const all: number[] = [];
  const deviations = new Map<string, { phase: number; value: number }[]>();
  const lateness = new Map<string, LateClick[]>();
  const lagBehindOthers = new Map<string, number[]>();
  const counted: { phase: number; times: [string, number][] }[] = [];

  phases.forEach((phase, index) => {
    const inPhase = groups.filter((g) => g.start >= phase.dueAt - 100 && g.start < phase.endAt);
    const first = phase.kind === 'change' ? inPhase[0] : undefined;
    const spreads: number[] = [];
    let incomplete = 0;
    let heardWhilePaused = 0;
    for (const group of inPhase) {
      if (group.start < phase.dueAt + settleMs) continue;
      if (phase.kind === 'pause') {
        heardWhilePaused++;
        continue;
      }
      const expected = expectedAt(group.start);
      const times = expected.map((page) => [page, group.times.get(page)] as const);
      if (expected.length < 2) continue;
      if (times.some(([, t]) => t === undefined)) {
        incomplete++;
        continue;
      }
      const present = times as readonly (readonly [string, number])[];
      const values = present.map(([, t]) => t);
      const spread = Math.max(...values) - Math.min(...values);
      spreads.push(spread);
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      for (const [page, t] of present) {
        const list = deviations.get(page) ?? [];
        list.push({ phase: index, value: t - mean });
        deviations.set(page, list);
        if (phase.schedule) {
          const late = lateness.get(page) ?? [];
          late.push({ phase: index, at: t, value: scheduleError(t, phase.schedule) });
          lateness.set(page, late);
        }
        const others = present.filter(([p]) => p !== page).map(([, v]) => v);
        const lags = lagBehindOthers.get(page) ?? [];
        lags.push(t - median(others));
        lagBehindOthers.set(page, lags);
      }
      counted.push({ phase: index, times: present.map(([p, t]) => [p, t]) });
    }
    all.push(...spreads);
    results.push({
      label: phase.label,
      spreads,
      incomplete,
      heardWhilePaused,
      firstClick: first
        ? {
            spreadMs: Math.max(...first.times.values()) - Math.min(...first.times.values()),
            pages: first.times.size,
            afterDueMs: first.start - phase.dueAt,
          }
        : null,
    });
  });

  const pages: PageStats[] = [...deviations].map(([page, list]) => {
    const [meanMs, stdMs] = meanAndStd(list.map((d) => d.value));
    const late = lateness.get(page) ?? [];
    const [lateMs, lateStdMs] = meanAndStd(late.map((d) => d.value));
    const latePerPhase = new Map<number, number>();
    for (const phase of new Set(late.map((d) => d.phase))) {
      latePerPhase.set(phase, meanAndStd(late.filter((d) => d.phase === phase).map((d) => d.value))[0]);
    }
    return { page, meanMs, stdMs, lateMs, lateStdMs, latePerPhase, clicks: list.length };
  });

  // Each page's mean deviation per phase: the constant part of its error there.
  const phaseMean = new Map<string, number>();
  for (const [page, list] of deviations) {
    const byPhase = new Map<number, number[]>();
    for (const d of list) byPhase.set(d.phase, [...(byPhase.get(d.phase) ?? []), d.value]);
    for (const [phase, values] of byPhase) phaseMean.set(`${phase}:${page}`, values.reduce((a, b) => a + b, 0) / values.length);
  }
  const withinPhaseSpreads = counted.map(({ phase, times }) => {
    const mean = times.reduce((a, [, t]) => a + t, 0) / times.length;
    const residuals = times.map(([page, t]) => t - mean - (phaseMean.get(`${phase}:${page}`) ?? 0));
    return Math.max(...residuals) - Math.min(...residuals);
  });

  return { phases: results, spreads: all, pages, withinPhaseSpreads, lagBehindOthers, lateness };
}

export function meanAndStd(values: readonly number[]): [number, number] {
  if (values.length === 0) return [Number.NaN, Number.NaN];
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return [mean, Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length)];
}

/** Nearest-rank percentile of an unsorted list; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The median of a non-empty list. */
function median(values: readonly number[]): number {
  const ordered = [...values].sort((a, b) => a - b);
  return (ordered[(ordered.length - 1) >> 1]! + ordered[ordered.length >> 1]!) / 2;
}
