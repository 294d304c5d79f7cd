/**
 * Sync-precision benchmark: how far apart in time the browsers of one room
 * render the same audio sample, measured from the rendered audio itself.
 *
 * Per scenario, two rooms run on the testing server and one Chromium, the
 * second starting when the first settles into continuous play: Musync's SPA
 * and the baseline (the original product's method, see baseline-client.ts).
 * Each room has four pages with wrong clocks behind their own delaying
 * proxies, a conductor that plays the script, and a late joiner. The server is
 * one embedded node, or several nodes over a redis-server the bench starts,
 * with the pages spread over them. Prints a summary, then one JSON line per
 * topology and scenario. Run: `npm run bench:sync`.
 * What it measures and the figures: docs/benchmarks.md.
 *
 * Settings (env): SYNC_BENCH_SCENARIOS=jitter,asymmetric  SYNC_BENCH_METHODS=musync,baseline
 * SYNC_BENCH_CONTINUOUS_S=120 (seconds of undisturbed play at the end of each run)
 * SYNC_BENCH_NODES=1 (topologies, run in turn: `1,2` = the embedded node, then 2 nodes
 * over Redis; `2:3200` = 2 nodes, the second's host clock 3.2 s off (not a multiple of the 500 ms click spacing), through TEST_CLOCK_SKEW_MS).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser } from 'playwright-core';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { clickTrackWav } from '../fixtures/click-track.ts';
import { startMusync, startRedis } from '../fixtures/server-process.ts';
import { cleanups, runBench } from './bench-run.ts';
import { calibrate, type Calibration } from './calibration.ts';
import type { LinkProfile } from './delay-proxy.ts';
import { describeScenario, evaluateRun, scenarioJson, SETTLE_MS, type MethodResult, type ScenarioSpec, type Topology } from './report.ts';
import { runRoom, type BenchSong, type Listener, type Method, type RoomRun } from './room-run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_ENTRY = join(ROOT, 'backend/dist/testing/main.js');
const SPA_INDEX = join(ROOT, 'frontend/dist/browser/index.html');

const CONTINUOUS_S = Number(process.env['SYNC_BENCH_CONTINUOUS_S'] ?? 120);
/**
 * Musync first: its page loads, joins and changes then run on a quiet machine, and
 * the baseline's happen while Musync's pages merely play. The reverse order was
 * measured to hurt the baseline: its media elements stalled (+30 to +120 ms for
 * the rest of the song) while Musync's pages fetched and decoded two songs each.
 */
const METHODS = (process.env['SYNC_BENCH_METHODS'] ?? 'musync,baseline').split(',') as Method[];
const SCENARIO_NAMES = (process.env['SYNC_BENCH_SCENARIOS'] ?? 'jitter,asymmetric').split(',');
const TOPOLOGIES = parseTopologies(process.env['SYNC_BENCH_NODES'] ?? '1');
/** Hard stop: a scenario takes about 2 × 65 s of set-up and changes plus CONTINUOUS_S; a topology about 10 s to start. */
const DEADLINE_MS = (TOPOLOGIES.length * (SCENARIO_NAMES.length * (CONTINUOUS_S + 240) + 30) + 120) * 1000;

/** `1,2,2:3000`: node counts (1–4), each optionally with the host-clock skew (ms) of every node but the first. */
function parseTopologies(raw: string): Topology[] {
  return raw.split(',').map((item) => {
    const match = /^([1-4])(?::(-?\d+))?$/.exec(item.trim());
    if (!match) throw new Error(`SYNC_BENCH_NODES: "${item}" is not <nodes, 1–4>[:<clock skew of the other nodes, ms>]`);
    const topology = { nodes: Number(match[1]), skewMs: Number(match[2] ?? 0) };
    if (topology.nodes === 1 && topology.skewMs !== 0) throw new Error(`SYNC_BENCH_NODES: "${item}": one node has no other node to skew`);
    return topology;
  });
}

const link = (upMs: number, downMs: number, jitterMs = 0): LinkProfile => ({
  up: { baseMs: upMs, jitterMs },
  down: { baseMs: downMs, jitterMs },
});

interface Scenario extends ScenarioSpec {
  readonly listeners: readonly Listener[];
  readonly lateJoiner: Listener;
}

const JITTERY = link(40, 40, 15);
/** Two-way sync splits a 5 ms up / 60 ms down path as 32.5 / 32.5: that page runs (60 − 5) / 2 late. */
const ASYMMETRIC_FLOOR_MS = (60 - 5) / 2;
const EVEN = link(20, 20);
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'jitter',
    description: 'every page one-way 40 ± 15 ms each direction (uniform, per chunk, order kept)',
    listeners: [
      { name: 'A', clockErrorMs: -3200, link: JITTERY },
      { name: 'B', clockErrorMs: 700, link: JITTERY },
      { name: 'C', clockErrorMs: 5100, link: JITTERY },
      { name: 'D', clockErrorMs: 0, link: JITTERY },
    ],
    lateJoiner: { name: 'E', clockErrorMs: -1300, link: JITTERY },
    target: { text: 'p95 ≤ 2 ms and max ≤ 5 ms', met: (r) => r.p95 <= 2 && r.max <= 5 },
  },
  {
    name: 'asymmetric',
    description: 'page B 5 ms up / 60 ms down; A, C, D and the late joiner E 20 / 20 ms; no jitter',
    listeners: [
      { name: 'A', clockErrorMs: -3200, link: EVEN },
      { name: 'B', clockErrorMs: 700, link: link(5, 60) },
      { name: 'C', clockErrorMs: 5100, link: EVEN },
      { name: 'D', clockErrorMs: 0, link: EVEN },
    ],
    lateJoiner: { name: 'E', clockErrorMs: -1300, link: EVEN },
    floor: { page: 'B', ms: ASYMMETRIC_FLOOR_MS },
    target: {
      text: `p95 within 2 ms of the ${ASYMMETRIC_FLOOR_MS} ms floor`,
      met: (r) => Math.abs(r.p95 - ASYMMETRIC_FLOOR_MS) <= 2,
    },
  },
];

/** Song one holds the changes (it is sought to 60 s); song two the late join and the long play. */
const SONGS: readonly BenchSong[] = [
  { id: 'bench-one', title: 'Bench One', artist: 'Metronome', duration: 90, file: 'bench-one.wav' },
  { id: 'bench-two', title: 'Bench Two', artist: 'Metronome', duration: CONTINUOUS_S + 40, file: 'bench-two.wav' },
];

const log = (line: string): void => console.error(`[sync-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const out = (text: string): void => void process.stdout.write(`${text}\n`);

/** The listeners' names on each node, in the order room-run.ts spreads them (listener i on node i mod n). */
function spread(nodes: number): string {
  const names = [...SCENARIOS[0]!.listeners, SCENARIOS[0]!.lateJoiner].map((l) => l.name);
  return Array.from({ length: nodes }, (_, node) => `node ${node + 1}: ${names.filter((_, i) => i % nodes === node).join(', ')}`).join('; ');
}

function describeTopology({ nodes, skewMs }: Topology): string {
  if (nodes === 1) return '1 node (embedded, no Redis)';
  const skew = skewMs === 0 ? '' : `; host clock${nodes > 2 ? `s of nodes 2–${nodes}` : ' of node 2'} ${skewMs > 0 ? '+' : ''}${skewMs} ms off`;
  return `${nodes} nodes over Redis, one DATA_DIR (${spread(nodes)}; the conductor on node 1)${skew}`;
}

/**
 * The testing server as `topology` says: one embedded node, or a redis-server
 * and `nodes` nodes on one shared DATA_DIR, all serving the click tracks in `mediaDir`.
 * `stop` ends them (it is also registered as a clean-up, for a failed run).
 */
async function startTopology(mediaDir: string, { nodes, skewMs }: Topology): Promise<{ ports: number[]; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'musync-bench-nodes-'));
  const started: { stop(): Promise<void> }[] = [];
  const stop = async (): Promise<void> => {
    for (const server of [...started].reverse()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  const env: Record<string, string> = { TEST_MEDIA_DIR: mediaDir };
  const nodePorts: number[] = [];
  if (nodes > 1) {
    mkdirSync(join(dir, 'redis'));
    const redis = await startRedis(join(dir, 'redis'));
    started.push(redis);
    env['REDIS_URL'] = redis.url;
  }
  for (let node = 0; node < nodes; node++) {
    const nodeEnv = node > 0 && skewMs !== 0 ? { ...env, TEST_CLOCK_SKEW_MS: String(skewMs) } : env;
    const server = await startMusync(join(dir, 'data'), { entry: 'testing', env: nodeEnv });
    started.push(server);
    nodePorts.push(server.port);
  }
  return { ports: nodePorts, stop };
}

function machine(browser: Browser): string {
  const memory = readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1];
  return [
    `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${memory ? `${(Number(memory) / 1024 / 1024).toFixed(1)} GiB` : '? GiB'} RAM`,
    `Chromium ${browser.version()} (${CHROMIUM_PATH}), Node ${process.version}`,
  ].join('\n');
}

async function runScenario(
  browser: Browser,
  nodePorts: readonly number[],
  topology: Topology,
  scenario: Scenario,
  floor: Calibration,
): Promise<string[]> {
  log(`scenario ${scenario.name} on ${topology.nodes} node(s): ${METHODS.join(', then ')}`);
  const run = (method: Method, onSteady: () => void) =>
    runRoom(browser, {
      onSteady,
      nodePorts,
      roomId: `sync-${scenario.name}-${topology.nodes}n-${method}-${randomUUID().slice(0, 6)}`,
      method,
      songs: SONGS,
      listeners: scenario.listeners,
      lateJoiner: scenario.lateJoiner,
      continuousSeconds: CONTINUOUS_S,
      log,
    });
  // Staggered: a room starts once the previous one has settled into its continuous
  // play, so no room's changes and page loads compete with another's for the 2 cores,
  // yet a scenario takes little more than one room's time.
  const rooms: Promise<RoomRun>[] = [];
  for (const method of METHODS) {
    let steady = (): void => undefined;
    const reachedSteady = new Promise<void>((resolve) => (steady = resolve));
    const room = run(method, steady);
    rooms.push(room);
    const ended = room.then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([reachedSteady, ended]);
  }
  const settled = await Promise.allSettled(rooms);
  const results: MethodResult[] = [];
  let musyncError: string | null = null;
  settled.forEach((outcome, i) => {
    const method = METHODS[i]!;
    if (outcome.status === 'fulfilled') results.push(evaluateRun(outcome.value));
    else {
      const message = outcome.reason instanceof Error ? outcome.reason.message : String(outcome.reason);
      log(`${scenario.name}/${method} failed: ${message}`);
      if (method === 'musync') musyncError = message.split('\n')[0]!;
    }
  });
  const musync = results.find((r) => r.method === 'musync');
  if (METHODS.includes('musync') && musync && musync.clicks === 0) {
    musyncError ??= musync.problems.join('; ') || 'no settled clicks';
  }
  const summary = describeScenario({ ...scenario, description: `${scenario.description}; ${describeTopology(topology)}` }, results);
  return [summary + (musyncError ? `\nmusync: FAILED: ${musyncError}` : ''), scenarioJson(scenario, topology, results, musyncError, floor)];
}

const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' / ');

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = load();
  for (const file of [SERVER_ENTRY, SPA_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench:sync does).`);
  }
  const unknown = METHODS.filter((m) => m !== 'musync' && m !== 'baseline');
  if (unknown.length > 0) throw new Error(`unknown method ${unknown.join(', ')}; known: musync, baseline`);
  const scenarios = SCENARIO_NAMES.map((name) => {
    const scenario = SCENARIOS.find((s) => s.name === name);
    if (!scenario) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
    return scenario;
  });

  const mediaDir = mkdtempSync(join(tmpdir(), 'musync-bench-media-'));
  cleanups.push(() => rmSync(mediaDir, { recursive: true, force: true }));
  for (const song of SONGS) writeFileSync(join(mediaDir, song.file), clickTrackWav({ duration: song.duration }));

  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());

  let floor: Calibration | null = null;
  const summaries: string[] = [];
  const jsonLines: string[] = [];
  for (const topology of TOPOLOGIES) {
    const { ports, stop } = await startTopology(mediaDir, topology);
    log(`${describeTopology(topology)}: testing server on port(s) ${ports.join(', ')}`);
    if (!floor) {
      log('calibrating the tap');
      floor = await calibrate(browser, ports[0]!, SONGS[0]!, [...SCENARIOS[0]!.listeners.map((l) => l.clockErrorMs)]);
    }
    for (const scenario of scenarios) {
      const [summary, json] = await runScenario(browser, ports, topology, scenario, floor);
      summaries.push(summary!);
      jsonLines.push(json!);
    }
    await stop();
  }
  if (!floor) throw new Error('SYNC_BENCH_NODES named no topology');

  out('Sync precision: click skew = max − min over pages of the true time each rendered the same click.');
  out(`Settled = clicks at least ${SETTLE_MS} ms after a change was due; ${CONTINUOUS_S} s of continuous play per run.`);
  out(machine(browser));
  out(`load average (1 / 5 / 15 min; the machine may be shared): ${loadAtStart} at the start, ${load()} at the end`);
  out(`runtime ${((Date.now() - started) / 1000).toFixed(0)} s (each room starts when the previous one settles into continuous play)`);
  out(
    `measurement floor (4 pages, wrong clocks, one true start, no network): skew p50 ${floor.p50.toFixed(2)} / p95 ${floor.p95.toFixed(2)} / max ${floor.max.toFixed(2)} ms over ${floor.clicks} clicks; worst click ${floor.worstScheduleErrorMs.toFixed(2)} ms off its schedule`,
  );
  out('');
  for (const summary of summaries) out(`${summary}\n`);
  for (const line of jsonLines) out(line);
}

await runBench('sync-bench', DEADLINE_MS, main);
