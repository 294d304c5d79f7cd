/**
 * How far the clock estimate strays from the truth, simulated: a client whose
 * clock drifts against the server's pings at ClockSync's schedule (40 a second
 * for the first second, 20 a second to 2 s, 4 a second to 30 s, then one every
 * CLOCK_SIM_STEADY_MS: 250 as ClockSync, or 500 to see 2 a second), each
 * exchange's one-way delays drawn per scenario:
 * - jitter: 40 ± 15 ms uniform each way (the sync bench's);
 * - asymmetric: 5 ms up, 60 ms down, no jitter (error counted from the
 *   (5 − 60) / 2 ms floor, which no two-way method can see);
 * - bursty: jitter plus queue bursts in each direction on their own, one every
 *   ~20 s on average, 1–4 s long, adding 0–100 ms to every exchange in them.
 * Client drift 0, 20, 50, 100 ppm (sign alternating by seed). As the SPA does,
 * each estimator estimates after each answer and that offset stands until the
 * next; every 100 ms after 30 s the error (held offset − true offset) is
 * sampled. Estimators: "baseline", the one before the drift fit (each
 * direction's least delay over 32 s, copied here), "landed", the protocol's
 * ClockWindow as it is (CLOCK_WINDOW, CLOCK_ESTIMATE), and "no fit", the same
 * window with the drift fit off (what a long window costs without it).
 *
 * Run: `npm run build -w @musync/protocol && node e2e/bench/clock/clock-sim.ts`.
 * Settings (env): CLOCK_SIM_SEEDS=40, CLOCK_SIM_SECONDS=300,
 * CLOCK_SIM_STEADY_MS=250.
 * Last line: JSON, rms and p95 of |error| (ms) per scenario, drift and estimator.
 */
import { CLOCK_ESTIMATE, CLOCK_WINDOW, ClockWindow, measureSample, type ClockMeasurement, type ClockSample } from '@musync/protocol';

import { positiveInteger } from '../bench-run.ts';
import { percentile } from '../click-skew.ts';

const SEEDS = positiveInteger('CLOCK_SIM_SEEDS', 40);
const SECONDS = positiveInteger('CLOCK_SIM_SECONDS', 300);
const STEADY_MS = positiveInteger('CLOCK_SIM_STEADY_MS', 250);
const DRIFTS_PPM = [0, 20, 50, 100];
const SAMPLE_FROM_MS = 30_000;
const SAMPLE_EVERY_MS = 100;

const print = (line: string): void => void process.stdout.write(`${line}\n`);

/** The ping schedule: until `untilMs` after connecting, one ping every `everyMs`. */
const SCHEDULE = [
  { untilMs: 1_000, everyMs: 25 },
  { untilMs: 2_000, everyMs: 50 },
  { untilMs: 30_000, everyMs: 250 },
];

/** mulberry32: a small seeded generator, so every run draws the same delays. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** One direction's delay (ms) for a packet sent at client time `at` (ms). */
type Link = (at: number) => number;

interface Scenario {
  readonly name: string;
  /** The offset the estimate should converge to, relative to the true one (the asymmetry floor). */
  readonly floorMs: number;
  readonly links: (random: () => number) => { readonly up: Link; readonly down: Link };
}

const jitter = (random: () => number): Link => () => 25 + 30 * random();

/** Queue bursts: Poisson starts, one every ~20 s, each 1–4 s long, adding 0–100 ms. */
function bursty(random: () => number): Link {
  const bursts: { from: number; to: number }[] = [];
  for (let at = 0; at < SECONDS * 1000; ) {
    at += -Math.log(1 - random()) * 20_000;
    bursts.push({ from: at, to: at + 1_000 + 3_000 * random() });
  }
  const base = jitter(random);
  return (at) => base(at) + (bursts.some((b) => at >= b.from && at < b.to) ? 100 * random() : 0);
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'jitter', floorMs: 0, links: (random) => ({ up: jitter(random), down: jitter(random) }) },
  { name: 'asymmetric', floorMs: (5 - 60) / 2, links: () => ({ up: () => 5, down: () => 60 }) },
  { name: 'bursty', floorMs: 0, links: (random) => ({ up: bursty(random), down: bursty(random) }) },
];

/** What the SPA holds: an offset, refreshed on each answer. */
interface Estimator {
  readonly name: string;
  add(sample: ClockSample): void;
  offset(): number | null;
}

/**
 * The estimator before the drift fit, as it was in packages/protocol/src/clock.ts:
 * each direction's least delay over the last 32 s (at most 256 exchanges).
 */
function baseline(): Estimator {
  let window: ClockMeasurement[] = [];
  let offset: number | null = null;
  return {
    name: 'baseline',
    add(sample) {
      const m = measureSample(sample);
      if (!m) return;
      window.push(m);
      window = window.filter((w) => w.at >= m.at - 32_000).slice(-256);
      const leastUp = Math.min(...window.map((w) => w.offset + w.rtt / 2));
      const leastDown = Math.min(...window.map((w) => w.rtt / 2 - w.offset));
      offset = (leastUp - leastDown) / 2;
    },
    offset: () => offset,
  };
}

function protocolWindow(name: string, window: ClockWindow): Estimator {
  let offset: number | null = null;
  return {
    name,
    add(sample) {
      window.add(sample);
      offset = window.estimate()?.offset ?? null;
    },
    offset: () => offset,
  };
}

function estimators(): Estimator[] {
  return [
    baseline(),
    protocolWindow('landed', new ClockWindow()),
    protocolWindow('no fit', new ClockWindow(CLOCK_WINDOW, { ...CLOCK_ESTIMATE, maxDrift: 0 })),
  ];
}

/** Errors (ms) of each estimator over one simulated connection. */
function simulate(scenario: Scenario, driftPpm: number, seed: number): Map<string, number[]> {
  const random = seeded(seed * 7919 + driftPpm);
  const { up, down } = scenario.links(random);
  const drift = (seed % 2 === 0 ? 1 : -1) * driftPpm * 1e-6;
  const start = (random() - 0.5) * 10_000;
  // Server clock minus client clock at client time t.
  const trueOffset = (t: number): number => start + drift * t;
  // Every exchange, answered in the order of its t3 (a late answer can overtake none here: one at a time per send).
  const answers: { at: number; sample: ClockSample }[] = [];
  for (let t0 = 0; t0 < SECONDS * 1000; t0 += SCHEDULE.find((s) => t0 < s.untilMs)?.everyMs ?? STEADY_MS) {
    const received = t0 + up(t0); // client time when the server reads it
    const t1 = received + trueOffset(received);
    const served = 0.05 + 0.5 * random();
    const t3 = received + served + down(received + served);
    answers.push({ at: t3, sample: { t0, t1, t2: t1 + served, t3 } });
  }
  answers.sort((a, b) => a.at - b.at);
  const all = estimators();
  const errors = new Map(all.map((e) => [e.name, [] as number[]]));
  let next = 0;
  for (let at = SAMPLE_FROM_MS; at < SECONDS * 1000; at += SAMPLE_EVERY_MS) {
    for (; next < answers.length && answers[next]!.at <= at; next++) for (const e of all) e.add(answers[next]!.sample);
    for (const e of all) {
      const offset = e.offset();
      if (offset !== null) errors.get(e.name)!.push(offset - (trueOffset(at) + scenario.floorMs));
    }
  }
  return errors;
}

function main(): void {
  const started = performance.now();
  const results: { scenario: string; driftPpm: number; estimator: string; rms: number; p95: number }[] = [];
  for (const scenario of SCENARIOS) {
    for (const driftPpm of DRIFTS_PPM) {
      const pooled = new Map<string, number[]>();
      for (let seed = 1; seed <= SEEDS; seed++) {
        for (const [name, errors] of simulate(scenario, driftPpm, seed)) pooled.set(name, [...(pooled.get(name) ?? []), ...errors]);
      }
      const cells = [...pooled].map(([estimator, errors]) => ({
        scenario: scenario.name,
        driftPpm,
        estimator,
        rms: Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length),
        p95: percentile(errors.map(Math.abs), 95),
      }));
      results.push(...cells);
      print(
        `${scenario.name.padEnd(10)} ${String(driftPpm).padStart(3)} ppm  ` +
          cells.map((c) => `${c.estimator}: ${c.rms.toFixed(3)} / ${c.p95.toFixed(3)}`).join('  |  '),
      );
    }
  }
  print(`(rms / p95 of |error|, ms; ${SEEDS} seeds × ${SECONDS} s, steady ping every ${STEADY_MS} ms; ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  print(
    JSON.stringify({
      seeds: SEEDS,
      seconds: SECONDS,
      steadyPingMs: STEADY_MS,
      results: results.map((r) => ({ ...r, rms: round(r.rms), p95: round(r.p95) })),
    }),
  );
}

main();
