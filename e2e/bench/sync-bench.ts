/**
 * Sync-precision benchmark: how far apart in time the browsers of one room
 * render the same audio sample, measured from the rendered audio itself.
 *
 * Per scenario, two rooms run on one testing server and one Chromium, the
 * second starting when the first settles into continuous play: Musync's SPA
 * and the baseline (the original product's method, see baseline-client.ts).
 * Each room has four pages with wrong clocks behind their own delaying
 * proxies, a conductor that plays the script, and a late joiner. Prints a
 * summary, then one JSON line per scenario. Run: `npm run bench:sync`.
 * What it measures and the figures: docs/benchmarks.md.
 *
 * Settings (env): SYNC_BENCH_SCENARIOS=jitter,asymmetric  SYNC_BENCH_METHODS=musync,baseline
 * SYNC_BENCH_CONTINUOUS_S=120 (seconds of undisturbed play at the end of each run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser } from 'playwright-core';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium.ts';
import { clickTrackWav } from '../fixtures/click-track.ts';
import { freePort } from '../fixtures/server-process.ts';
import { cleanups, runBench } from './bench-run.ts';
import { calibrate, type Calibration } from './calibration.ts';
import type { LinkProfile } from './delay-proxy.ts';
import { describeScenario, evaluateRun, scenarioJson, SETTLE_MS, type MethodResult, type ScenarioSpec } from './report.ts';
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
/** Hard stop: a scenario takes about 2 × 65 s of set-up and changes plus CONTINUOUS_S. */
const DEADLINE_MS = (SCENARIO_NAMES.length * (CONTINUOUS_S + 240) + 120) * 1000;

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

async function startServer(mediaDir: string, dataDir: string): Promise<number> {
  const port = await freePort();
  const server: ChildProcess = spawn(process.execPath, [SERVER_ENTRY], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, TEST_MEDIA_DIR: mediaDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  cleanups.push(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the testing server exited (${server.exitCode}):\n${stderr}`);
    const healthy = await fetch(`http://127.0.0.1:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return port;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the testing server did not come up:\n${stderr}`);
}

function machine(browser: Browser): string {
  const memory = readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+)/)?.[1];
  return [
    `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${memory ? `${(Number(memory) / 1024 / 1024).toFixed(1)} GiB` : '? GiB'} RAM`,
    `Chromium ${browser.version()} (${CHROMIUM_PATH}), Node ${process.version}`,
  ].join('\n');
}

async function runScenario(browser: Browser, serverPort: number, scenario: Scenario, floor: Calibration): Promise<string[]> {
  log(`scenario ${scenario.name}: ${METHODS.join(', then ')}`);
  const run = (method: Method, onSteady: () => void) =>
    runRoom(browser, {
      onSteady,
      serverPort,
      roomId: `sync-${scenario.name}-${method}-${randomUUID().slice(0, 6)}`,
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
  const summary = describeScenario(scenario, results);
  return [summary + (musyncError ? `\nmusync: FAILED: ${musyncError}` : ''), scenarioJson(scenario, results, musyncError, floor)];
}

async function main(): Promise<void> {
  const started = Date.now();
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
  const dataDir = mkdtempSync(join(tmpdir(), 'musync-bench-data-'));
  cleanups.push(() => {
    rmSync(mediaDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });
  for (const song of SONGS) writeFileSync(join(mediaDir, song.file), clickTrackWav({ duration: song.duration }));

  const serverPort = await startServer(mediaDir, dataDir);
  log(`testing server on port ${serverPort}`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());

  log('calibrating the tap');
  const floor = await calibrate(browser, serverPort, SONGS[0]!, [...SCENARIOS[0]!.listeners.map((l) => l.clockErrorMs)]);
  const summaries: string[] = [];
  const jsonLines: string[] = [];
  for (const scenario of scenarios) {
    const [summary, json] = await runScenario(browser, serverPort, scenario, floor);
    summaries.push(summary!);
    jsonLines.push(json!);
  }

  out('Sync precision: click skew = max − min over pages of the true time each rendered the same click.');
  out(`Settled = clicks at least ${SETTLE_MS} ms after a change was due; ${CONTINUOUS_S} s of continuous play per run.`);
  out(machine(browser));
  out(`runtime ${((Date.now() - started) / 1000).toFixed(0)} s (each room starts when the previous one settles into continuous play)`);
  out(
    `measurement floor (4 pages, wrong clocks, one true start, no network): skew p50 ${floor.p50.toFixed(2)} / p95 ${floor.p95.toFixed(2)} / max ${floor.max.toFixed(2)} ms over ${floor.clicks} clicks; worst click ${floor.worstScheduleErrorMs.toFixed(2)} ms off its schedule`,
  );
  out('');
  for (const summary of summaries) out(`${summary}\n`);
  for (const line of jsonLines) out(line);
}

await runBench('sync-bench', DEADLINE_MS, main);
