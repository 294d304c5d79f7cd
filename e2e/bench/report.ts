import { CLICK_INTERVAL_S } from '../fixtures/click-track.ts';
import type { Calibration } from './calibration.ts';
import { analyseSkew, groupClicks, meanAndStd, percentile, type Click, type PageStats, type SkewResult } from './click-skew.ts';
import { clockEstimateError } from './clock-replay.ts';
import type { Method, RoomRun } from './room-run.ts';

/** A change counts as settled this long after it was due; earlier clicks are the transition. */
export const SETTLE_MS = 300;
/** The bench's click tracks' spacing (ms). */
const CLICK_PERIOD_MS = CLICK_INTERVAL_S * 1000;
/** Offsets beyond this from the schedule are flagged as possibly aliased by the 500 ms click spacing. */
const ALIAS_WARNING_MS = 150;

export interface MethodResult {
  readonly method: Method;
  readonly run: RoomRun;
  readonly skew: SkewResult;
  /** Settled click instants that every expected page rendered. */
  readonly clicks: number;
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** p95 of the skew left once each page's mean offset within each phase is removed. */
  readonly withinPhaseP95: number;
  readonly joiner: {
    readonly landMs: number;
    readonly lagMs: number | null;
    /** Its replayed clock estimate error (+ = plays early) half a click period before its first click, and at it: the estimate its start used lies between. */
    readonly clockErrorMs: readonly [number | null, number | null];
  } | null;
  readonly problems: readonly string[];
  /**
   * Per page, over settled clicks: the replayed clock estimate's error (ms, + =
   * plays early by that much) and what is left of the lateness once it is
   * accounted for (scheduling and output error), each as mean and std.
   */
  readonly clockSplit: ReadonlyMap<string, ClockSplit>;
}

interface ClockSplit {
  readonly clock: [number, number];
  readonly rest: [number, number];
  /** Mean of `rest` per phase (index into the run's phases). */
  readonly restPerPhase: ReadonlyMap<number, number>;
  /** Mean of `clock` per phase. */
  readonly clockPerPhase: ReadonlyMap<number, number>;
  /** Median error the page itself reported in sync:report per phase (ms, + = ahead), where it reported any. */
  readonly selfPerPhase: ReadonlyMap<number, number>;
}

/** Turns one room's recordings into click skew figures. */
export function evaluateRun(run: RoomRun): MethodResult {
  const { plan } = run;
  const originals = plan.listeners.map((l) => l.name);
  const joinerName = plan.lateJoiner.name;
  const clicks: Click[] = [];
  const problems: string[] = [];
  let joinerFirst: number | null = null;
  for (const recording of run.recordings) {
    const { times, unmapped } = recording.clicks();
    if (unmapped > 0) problems.push(`${recording.name}: ${unmapped} clicks with no output timestamp near them`);
    problems.push(...recording.errors.map((e) => `${recording.name}: ${e}`));
    if (times.length === 0) problems.push(`${recording.name}: no click was heard`);
    if (recording.name === joinerName) joinerFirst = times.find((t) => t >= run.lateJoinAt) ?? null;
    for (const at of times) clicks.push({ page: recording.name, at });
  }
  const groups = groupClicks(clicks);
  const expectedAt = (at: number): readonly string[] =>
    joinerFirst !== null && at >= joinerFirst + SETTLE_MS ? [...originals, joinerName] : originals;
  const skew = analyseSkew(groups, run.phases, expectedAt, SETTLE_MS);

  let joiner: MethodResult['joiner'] = null;
  if (joinerFirst !== null) {
    const first = joinerFirst;
    const group = groups.find((g) => g.times.get(joinerName) === first);
    const others = group ? originals.flatMap((name) => group.times.get(name) ?? []) : [];
    const recording = run.recordings.find((r) => r.name === joinerName);
    const replayed = (at: number): number | null =>
      recording ? clockEstimateError(recording, at, plan.method, plan.lateJoiner.clockErrorMs) : null;
    joiner = {
      landMs: first - run.lateJoinAt,
      lagMs: others.length > 0 ? first - median(others) : null,
      clockErrorMs: [replayed(first - CLICK_PERIOD_MS), replayed(first)],
    };
  } else problems.push(`${joinerName} (late joiner): never played`);

  // Clicks are 500 ms apart and all alike: an offset near ±250 ms cannot be told from one 500 ms the other way.
  for (const page of skew.pages) {
    const far = [...page.latePerPhase].filter(([, late]) => Math.abs(late) > ALIAS_WARNING_MS);
    for (const [index, late] of far) {
      problems.push(
        `${page.page} in ${run.phases[index]!.label}: ${late.toFixed(0)} ms off schedule, near half the 500 ms click spacing: ` +
          `it may really be ${(late - Math.sign(late) * 500).toFixed(0)} ms, and its skew is then a lower bound`,
      );
    }
  }
  for (const phase of skew.phases) {
    if (phase.incomplete > 0) problems.push(`${phase.label}: ${phase.incomplete} settled clicks missing from some page`);
    if (phase.heardWhilePaused > 0) problems.push(`${phase.label}: ${phase.heardWhilePaused} clicks heard while paused`);
  }
  const clockSplit = new Map<string, ClockSplit>();
  for (const recording of run.recordings) {
    const listener = [...plan.listeners, plan.lateJoiner].find((l) => l.name === recording.name);
    const late = skew.lateness.get(recording.name) ?? [];
    if (!listener || late.length === 0) continue;
    const clock: { phase: number; value: number }[] = [];
    const rest: { phase: number; value: number }[] = [];
    for (const click of late) {
      const error = clockEstimateError(recording, click.at, plan.method, listener.clockErrorMs);
      if (error === null) continue;
      clock.push({ phase: click.phase, value: error });
      rest.push({ phase: click.phase, value: click.value + error });
    }
    const restPerPhase = new Map<number, number>();
    const clockPerPhase = new Map<number, number>();
    const selfPerPhase = new Map<number, number>();
    run.phases.forEach((phase, index) => {
      const inPhase = rest.filter((r) => r.phase === index).map((r) => r.value);
      if (inPhase.length > 0) restPerPhase.set(index, meanAndStd(inPhase)[0]);
      const clockInPhase = clock.filter((c) => c.phase === index).map((c) => c.value);
      if (clockInPhase.length > 0) clockPerPhase.set(index, meanAndStd(clockInPhase)[0]);
      const reports = recording.selfReports.filter((r) => r.at >= phase.dueAt + SETTLE_MS && r.at < phase.endAt);
      if (reports.length > 0) selfPerPhase.set(index, median(reports.map((r) => r.errorMs)));
    });
    clockSplit.set(recording.name, {
      clock: meanAndStd(clock.map((c) => c.value)),
      rest: meanAndStd(rest.map((r) => r.value)),
      restPerPhase,
      clockPerPhase,
      selfPerPhase,
    });
  }
  const spreads = skew.spreads;
  return {
    clockSplit,
    method: plan.method,
    run,
    skew,
    clicks: spreads.length,
    p50: percentile(spreads, 50),
    p95: percentile(spreads, 95),
    max: spreads.length > 0 ? Math.max(...spreads) : Number.NaN,
    withinPhaseP95: percentile(skew.withinPhaseSpreads, 95),
    joiner,
    problems,
  };
}

/** The median lag (ms) of `page` behind the other pages, over settled clicks. */
function lagOf(result: MethodResult, page: string): number {
  return median(result.skew.lagBehindOthers.get(page) ?? []);
}

export interface ScenarioSpec {
  readonly name: string;
  readonly description: string;
  /** What Musync should reach here. */
  readonly target: { readonly text: string; readonly met: (result: MethodResult) => boolean };
  /** For the asymmetric scenario: the lopsided page and the physical floor of its lag (ms). */
  readonly floor?: { readonly page: string; readonly ms: number };
}

const ms = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined || Number.isNaN(value) ? '—' : value.toFixed(digits);
const pad = (text: string, width: number): string => text.padEnd(width);
const padLeft = (text: string, width: number): string => text.padStart(width);

/** The human summary of one scenario. */
export function describeScenario(spec: ScenarioSpec, results: readonly MethodResult[]): string {
  const lines: string[] = [];
  lines.push(`== ${spec.name}: ${spec.description} ==`);
  lines.push(`${pad('method', 10)}${padLeft('clicks', 8)}${padLeft('p50', 8)}${padLeft('p95', 8)}${padLeft('max', 8)}   within-phase p95 (ms)`);
  for (const r of results) {
    lines.push(
      `${pad(r.method, 10)}${padLeft(String(r.clicks), 8)}${padLeft(ms(r.p50), 8)}${padLeft(ms(r.p95), 8)}${padLeft(ms(r.max), 8)}   ${ms(r.withinPhaseP95)}`,
    );
  }
  const musync = results.find((r) => r.method === 'musync');
  const baseline = results.find((r) => r.method === 'baseline');
  if (musync && baseline && musync.clicks > 0 && baseline.clicks > 0) {
    lines.push(`baseline p95 / musync p95 = ${(baseline.p95 / musync.p95).toFixed(1)}×`);
  }
  if (musync && musync.clicks > 0) {
    lines.push(`target for musync: ${spec.target.text}: ${spec.target.met(musync) ? 'met' : 'MISSED'}`);
  }
  if (spec.floor) {
    lines.push(
      `physical floor: ${spec.floor.page} lags by half its path asymmetry, ${spec.floor.ms} ms, which no two-way clock sync can see.`,
    );
    for (const r of results) {
      const lag = lagOf(r, spec.floor.page);
      lines.push(
        `  ${pad(r.method, 9)} ${spec.floor.page} lags the others by ${ms(lag)} ms (${ms(lag - spec.floor.ms, 1)} from the floor); p95 − floor = ${ms(r.p95 - spec.floor.ms)} ms`,
      );
    }
  }
  for (const r of results) {
    lines.push('');
    lines.push(`${r.method}: per phase (settled clicks, p50 / p95 / max ms; first click after the change)`);
    for (const phase of r.skew.phases) {
      const first = phase.firstClick
        ? `first click ${ms(phase.firstClick.spreadMs)} ms over ${phase.firstClick.pages} pages, ${ms(phase.firstClick.afterDueMs, 0)} ms after due`
        : '';
      const lead = r.run.leads.find((l) => l.label === phase.label);
      lines.push(
        `  ${pad(phase.label, 14)}${padLeft(String(phase.spreads.length), 5)}  ${padLeft(ms(percentile(phase.spreads, 50)), 6)} / ${padLeft(ms(percentile(phase.spreads, 95)), 6)} / ${padLeft(
          ms(phase.spreads.length > 0 ? Math.max(...phase.spreads) : Number.NaN),
          6,
        )}  ${lead ? `lead ${ms(lead.ms, 0)} ms  ` : ''}${first}`,
      );
    }
    lines.push(...pageTable(r), ...phaseTables(r));
    if (r.joiner) {
      lines.push(
        `${r.method}: late joiner heard its first click ${ms(r.joiner.landMs / 1000, 2)} s after being sent to the room, ${ms(r.joiner.lagMs)} ms from the others; ` +
          `its clock estimate, replayed, was ${ms(r.joiner.clockErrorMs[0])} ms off (+ = early) ${CLICK_PERIOD_MS} ms before that click, ${ms(r.joiner.clockErrorMs[1])} ms at it`,
      );
    }
    for (const problem of r.problems) lines.push(`${r.method}: note: ${problem}`);
  }
  return lines.join('\n');
}

const signed = (value: number | undefined, digits = 1): string =>
  value === undefined || Number.isNaN(value) ? '' : `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
const COLUMN = 9;

/** Per page, over settled clicks: a row per measure, a column per page. */
function pageTable(r: MethodResult): string[] {
  const listeners = [...r.run.plan.listeners, r.run.plan.lateJoiner];
  const pages = r.skew.pages;
  const row = (label: string, cell: (page: PageStats) => string): string =>
    `  ${pad(label, 44)}${pages.map((p) => padLeft(cell(p), COLUMN)).join('')}`;
  const split = (page: PageStats) => r.clockSplit.get(page.page);
  return [
    `${r.method}: per page, over settled clicks (ms)`,
    row('', (p) => p.page),
    row('injected clock error', (p) => `${signed((listeners.find((l) => l.name === p.page)?.clockErrorMs ?? Number.NaN) / 1000)} s`),
    row('offset from the room mean (+ = late), mean', (p) => signed(p.meanMs, 2)),
    row('  std', (p) => ms(p.stdMs, 2)),
    row("late vs the server's schedule, mean", (p) => signed(p.lateMs, 2)),
    row('  std', (p) => ms(p.lateStdMs, 2)),
    row('clock estimate error, replayed (+ = early)', (p) => signed(split(p)?.clock[0], 2)),
    row('  std', (p) => ms(split(p)?.clock[1], 2)),
    row('late, not explained by the clock estimate', (p) => signed(split(p)?.rest[0], 2)),
    row('  std', (p) => ms(split(p)?.rest[1], 2)),
  ];
}

/** Per phase and page, mean ms: how late, how much of it the clock estimate does not explain, and what the page said. */
function phaseTables(r: MethodResult): string[] {
  const pages = r.skew.pages;
  const table = (title: string, cell: (page: PageStats, phase: number) => number | undefined): string[] => {
    const rows = r.skew.phases.flatMap((phase, index) => {
      const cells = pages.map((p) => padLeft(signed(cell(p, index)), COLUMN));
      return cells.some((c) => c.trim() !== '') ? [`  ${pad(phase.label, 14)}${cells.join('')}`] : [];
    });
    return rows.length === 0 ? [] : [`${r.method}: ${title}`, `  ${pad('', 14)}${pages.map((p) => padLeft(p.page, COLUMN)).join('')}`, ...rows];
  };
  return [
    ...table("late vs the server's schedule, by phase (mean ms)", (p, i) => p.latePerPhase.get(i)),
    ...table('clock estimate error, replayed, by phase (mean ms, + = early)', (p, i) => r.clockSplit.get(p.page)?.clockPerPhase.get(i)),
    ...table('late, not explained by the clock estimate, by phase (mean ms)', (p, i) => r.clockSplit.get(p.page)?.restPerPhase.get(i)),
    ...table("the page's own sync:report error, by phase (median ms, + = ahead)", (p, i) => r.clockSplit.get(p.page)?.selfPerPhase.get(i)),
  ];
}

const round = (value: number): number | null => (Number.isFinite(value) ? Math.round(value * 100) / 100 : null);

/** How the server ran: `nodes` processes (more than one: a cluster over Redis), all but the first with host clocks `skewMs` off. */
export interface Topology {
  readonly nodes: number;
  readonly skewMs: number;
}

/** The scenario's JSON line: Musync's figures, with the baseline's beside them. */
export function scenarioJson(
  spec: ScenarioSpec,
  topology: Topology,
  results: readonly MethodResult[],
  musyncError: string | null,
  floor: Calibration,
): string {
  const musync = results.find((r) => r.method === 'musync');
  const baseline = results.find((r) => r.method === 'baseline');
  const line: Record<string, unknown> = {
    scenario: spec.name,
    nodes: topology.nodes,
    node_clock_skew_ms: topology.skewMs,
    p50_ms: round(musync?.p50 ?? Number.NaN),
    p95_ms: round(musync?.p95 ?? Number.NaN),
    max_ms: round(musync?.max ?? Number.NaN),
    baseline_p95_ms: round(baseline?.p95 ?? Number.NaN),
    clicks: musync?.clicks ?? 0,
    baseline_p50_ms: round(baseline?.p50 ?? Number.NaN),
    baseline_max_ms: round(baseline?.max ?? Number.NaN),
    baseline_clicks: baseline?.clicks ?? 0,
    baseline_over_musync_p95: round((baseline?.p95 ?? Number.NaN) / (musync?.p95 ?? Number.NaN)),
    within_phase_p95_ms: round(musync?.withinPhaseP95 ?? Number.NaN),
    first_click_max_ms: round(firstClickMax(musync)),
    late_joiner_lag_ms: round(musync?.joiner?.lagMs ?? Number.NaN),
    target_met: musync && musync.clicks > 0 ? spec.target.met(musync) : false,
    measurement_floor_p95_ms: round(floor.p95),
  };
  if (spec.floor) {
    line['floor_ms'] = spec.floor.ms;
    line['from_floor_ms'] = round((musync?.p95 ?? Number.NaN) - spec.floor.ms);
    line['lag_ms'] = round(musync ? lagOf(musync, spec.floor.page) : Number.NaN);
    line['baseline_from_floor_ms'] = round((baseline?.p95 ?? Number.NaN) - spec.floor.ms);
  }
  if (musyncError) line['musync_error'] = musyncError;
  return JSON.stringify(line);
}

/** The largest skew of a first click after a change (ms). */
function firstClickMax(result: MethodResult | undefined): number {
  const spreads = (result?.skew.phases ?? []).flatMap((p) => (p.firstClick ? [p.firstClick.spreadMs] : []));
  return spreads.length > 0 ? Math.max(...spreads) : Number.NaN;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const ordered = [...values].sort((a, b) => a - b);
  return (ordered[(ordered.length - 1) >> 1]! + ordered[ordered.length >> 1]!) / 2;
}
