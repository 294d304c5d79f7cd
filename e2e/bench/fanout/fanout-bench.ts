/**
 * Fan-out benchmark: the time from one chat line sent by one client to its
 * arrival at the last of N listeners (N in one room, or many rooms of a few,
 * one line per room at once), for a bare Socket.IO server (the ceiling on this
 * machine), Musync on 1 node, and Musync on 2 nodes sharing a redis-server
 * (REDIS_URL; listeners split over both nodes, the sender on the first), in
 * the same run. Also the time to fill the room(s) and the servers' memory per
 * connection. Clients are socket.io-client in a few child processes
 * (clients.ts). Prints a summary, then one JSON line. Run: `npm run bench:fanout`.
 * What it measures and the figures: docs/benchmarks.md.
 *
 * Settings (env): FANOUT_BENCH_CASES=500,1000,2000,200x10 (N in one room, or
 * ROOMSxPER_ROOM), FANOUT_BENCH_REPS=100 (measured lines per case and server, so
 * that p99 is not simply the slowest;
 * 3 more warm up first), FANOUT_BENCH_CLIENTS=2 (client processes),
 * FANOUT_BENCH_SERVERS=bare,node1,node2, FANOUT_BENCH_FILL_BUDGET_S=300 (a case whose
 * fill is predicted to take longer is not run, see fillEstimate). Quick run (< 2 min):
 * FANOUT_BENCH_CASES=200,20x10 FANOUT_BENCH_REPS=10.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { io } from 'socket.io-client';

import { startMusync, startPortPrinter, startRedis, type ServerProcess } from '../../fixtures/server-process.ts';
import { cleanups, positiveInteger, runBench } from '../bench-run.ts';
import { percentile } from '../click-skew.ts';
import { ProcessWatch, rssMiB } from '../upload/process-watch.ts';
import { FANOUT_PREFIX, type Assignment, type ClientOrder, type ClientReport } from './orders.ts';

const CLIENT_ENTRY = fileURLToPath(new URL('clients.ts', import.meta.url));
const BARE_ENTRY = fileURLToPath(new URL('bare-server.ts', import.meta.url));

const SERVERS = ['bare', 'node1', 'node2'] as const;
type ServerKind = (typeof SERVERS)[number];
const SERVER_LABELS: Record<ServerKind, string> = { bare: 'bare Socket.IO', node1: 'Musync 1 node', node2: 'Musync 2 nodes + Redis' };

const CASES = list('FANOUT_BENCH_CASES', '500,1000,2000,200x10').map(parseCase);
const REPS = positiveInteger('FANOUT_BENCH_REPS', 100);
const WARMUP = 3;
const CLIENTS = positiveInteger('FANOUT_BENCH_CLIENTS', 2);
const KINDS = list('FANOUT_BENCH_SERVERS', SERVERS.join(',')).map((name) => {
  if (!(SERVERS as readonly string[]).includes(name)) throw new Error(`FANOUT_BENCH_SERVERS: unknown server "${name}" (${SERVERS.join(', ')})`);
  return name as ServerKind;
});
/** p99 over bare Socket.IO's. */
const TARGETS = { node1: 1.3, node2: 1.5 } as const;
/** One line per repetition per room: far above the default chat budget (5 per 5 s), which is not what is measured. */
// All the bench's clients share one loopback address: the per-address connection cap and
// budgets (issue #7) would refuse most of them, and refusals are not what is measured.
const SERVER_ENV = { CHAT_RATE_MESSAGES: '1000000', MAX_CONNECTIONS_PER_IP: '100000', RATE_LIMIT_IP_FACTOR: '100000' };
const COLLECT_TIMEOUT_MS = 15_000;
/** Lets the joins' own broadcasts drain before memory is read and lines are timed. */
const SETTLE_MS = 1_000;
const CROSS_NODE_PROBE_MS = 3_000;
const SCALED_MODE_MISSING =
  'a chat line sent on one node with REDIS_URL set did not reach a member on the other within 3 s: this build does not run the scaled mode';
const FILL_BUDGET_S = positiveInteger('FANOUT_BENCH_FILL_BUDGET_S', 300);
const DEADLINE_MS = 30 * 60_000;

const log = (line: string): void => console.error(`[fanout-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const out = (text: string): void => void process.stdout.write(`${text}\n`);

function list(name: string, fallback: string): string[] {
  return (process.env[name] || fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

interface BenchCase {
  readonly label: string;
  readonly rooms: number;
  readonly perRoom: number;
}

function parseCase(text: string): BenchCase {
  const match = /^(?:(\d+)x)?(\d+)$/.exec(text);
  if (!match) throw new Error(`FANOUT_BENCH_CASES: "${text}" is neither N nor ROOMSxN`);
  const rooms = Number(match[1] ?? 1);
  const perRoom = Number(match[2]);
  if (rooms < 1 || perRoom < 1) throw new Error(`FANOUT_BENCH_CASES: "${text}" has no listeners`);
  return { label: text, rooms, perRoom };
}

const listenersOf = (c: BenchCase): number => c.rooms * c.perRoom;
const describeCase = (c: BenchCase): string =>
  c.rooms === 1 ? `${c.perRoom} listeners in one room` : `${c.rooms} rooms × ${c.perRoom} listeners (one line in every room at once)`;

/** The server side of one measurement: where clients connect, which processes to weigh. */
interface Deployment {
  readonly urls: readonly string[];
  readonly pids: readonly number[];
  stop(): Promise<void>;
}

/**
 * Whether a line sent on one node reaches a member on the other: the 2-node
 * case only measures a build where REDIS_URL really joins the nodes.
 */
async function crossesNodes(a: string, b: string): Promise<boolean> {
  const roomId = `fanout-probe-${Date.now()}`;
  const [sender, receiver] = [io(a, { transports: ['websocket'], forceNew: true }), io(b, { transports: ['websocket'], forceNew: true })];
  try {
    const heard = new Promise<boolean>((resolve) => {
      setTimeout(() => resolve(false), CROSS_NODE_PROBE_MS);
      receiver.on('chat:line', (line: { kind: string; text?: string }) => line.text === `${FANOUT_PREFIX}probe` && resolve(true));
    });
    await receiver.timeout(CROSS_NODE_PROBE_MS).emitWithAck('room:join', { roomId, username: 'Probe B' });
    await sender.timeout(CROSS_NODE_PROBE_MS).emitWithAck('room:join', { roomId, username: 'Probe A' });
    await sender.timeout(CROSS_NODE_PROBE_MS).emitWithAck('chat:send', { text: `${FANOUT_PREFIX}probe` });
    return await heard;
  } catch {
    return false;
  } finally {
    sender.disconnect();
    receiver.disconnect();
  }
}

/**
 * Fresh servers for one measurement. Musync and its redis-server are killed at
 * the end (SIGKILL), not stopped: a graceful stop would have each of N members leave in turn, a
 * presence broadcast each, which is not what is measured and takes long.
 */
async function deploy(kind: ServerKind, work: string): Promise<Deployment | string> {
  if (kind === 'bare') {
    const bare = await startPortPrinter('the bare Socket.IO server', BARE_ENTRY, []);
    return { urls: [bare.url], pids: [bare.pid], stop: () => bare.stop() };
  }
  const dir = await mkdtemp(join(work, `${kind}-`));
  const started: ServerProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const server of [...started].reverse()) await server.kill();
  };
  try {
    if (kind === 'node1') {
      started.push(await startMusync(join(dir, 'data'), { env: SERVER_ENV }));
      return { urls: [started[0]!.url], pids: [started[0]!.pid], stop };
    }
    await mkdir(join(dir, 'redis'));
    const redis = await startRedis(join(dir, 'redis'));
    started.push(redis);
    const env = { ...SERVER_ENV, REDIS_URL: redis.url };
    const nodes = [await startMusync(join(dir, 'data'), { env }), await startMusync(join(dir, 'data'), { env })];
    started.push(...nodes);
    if (!(await crossesNodes(nodes[0]!.url, nodes[1]!.url))) {
      await stop();
      return SCALED_MODE_MISSING;
    }
    return { urls: nodes.map((n) => n.url), pids: nodes.map((n) => n.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The client processes (clients.ts): one order at a time, each answered by one report. */
class ClientPool {
  private readonly children: readonly ChildProcess[];

  private constructor(children: readonly ChildProcess[]) {
    this.children = children;
  }

  static start(count: number): ClientPool {
    return new ClientPool(Array.from({ length: count }, () => fork(CLIENT_ENTRY, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })));
  }

  async open(role: 'listen' | 'send', assignments: readonly Assignment[], only?: number): Promise<void> {
    const children = only === undefined ? this.children : [this.children[only]!];
    await Promise.all(
      children.map((child, i) => this.ask(child, { type: 'open', role, assignments: assignments.filter((_, a) => only !== undefined || a % children.length === i) })),
    );
  }

  /** Packets and events the listeners of every client process received so far. */
  async wire(): Promise<{ packets: number; events: number }> {
    const reports = await Promise.all(this.children.map((child) => this.ask(child, { type: 'count' })));
    return reports.reduce((sum, r) => (r.type === 'counted' ? { packets: sum.packets + r.packets, events: sum.events + r.events } : sum), {
      packets: 0,
      events: 0,
    });
  }

  /** One line per room from the senders in client 0; the listeners' last arrival, and how many got it. */
  async round(tag: string): Promise<{ ms: number; received: number; refused: number }> {
    const sent = this.ask(this.children[0]!, { type: 'send', tag });
    const collected = Promise.all(this.children.map((child) => this.ask(child, { type: 'collect', tag, timeoutMs: COLLECT_TIMEOUT_MS })));
    const [s, c] = await Promise.all([sent, collected]);
    if (s.type !== 'sent') throw new Error(`expected sent, got ${s.type}`);
    const lasts = c.map((r) => (r.type === 'collected' ? r.last : null)).filter((t): t is number => t !== null);
    const received = c.reduce((sum, r) => sum + (r.type === 'collected' ? r.count : 0), 0);
    return { ms: lasts.length > 0 ? Math.max(...lasts) - s.t0 : Number.NaN, received, refused: s.refused };
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || !child.connected) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.send({ type: 'close' } satisfies ClientOrder);
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  /** Sends `order`; resolves with its report (client 0 has a send and a collect out at once, answered in either order). */
  private ask(child: ChildProcess, order: ClientOrder): Promise<ClientReport> {
    const answers = { open: 'opened', send: 'sent', collect: 'collected', count: 'counted', close: null }[order.type];
    return new Promise((resolve, reject) => {
      const done = (): void => {
        child.off('exit', onExit);
        child.off('message', onMessage);
      };
      const onExit = (code: number | null): void => {
        done();
        reject(new Error(`a client process exited (${code}) during ${order.type}`));
      };
      const onMessage = (report: ClientReport): void => {
        if (report.type === 'failed') {
          done();
          reject(new Error(`client process: ${report.message}`));
        } else if (report.type === answers) {
          done();
          resolve(report);
        }
      };
      child.on('exit', onExit);
      child.on('message', onMessage);
      child.send(order);
    });
  }
}

interface Measured {
  readonly latencies: readonly number[];
  readonly fillSeconds: number;
  /** CPU seconds the server process(es) spent while the listeners joined. */
  readonly fillServerCpuSeconds: number;
  readonly kibPerConnection: number;
  /** Per listener, over the fill: packets off the wire, and the broadcasts in them (a batch carries several). */
  readonly fillPacketsPerListener: number;
  readonly fillEventsPerListener: number;
  /**
   * CPU time of the server process(es), all threads, over the measured lines
   * (the lines' pauses included), per line sent: a steadier figure than the
   * latency on a machine whose cores the clients share.
   */
  readonly serverCpuUsPerLine: number;
  /** Listener arrivals missing over all measured lines. */
  readonly lost: number;
  readonly refused: number;
}

type Outcome = Measured | { readonly notRun: string };

const sumRss = (pids: readonly number[]): number => pids.reduce((sum, pid) => sum + rssMiB(pid), 0);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(kind: ServerKind, c: BenchCase, work: string): Promise<Outcome> {
  const deployment = await deploy(kind, work);
  if (typeof deployment === 'string') return { notRun: deployment };
  const pool = ClientPool.start(CLIENTS);
  // Servers first: listeners closing one by one would each be a leave broadcast to the rest.
  const tearDown = async (): Promise<void> => {
    await deployment.stop();
    await pool.close();
  };
  cleanups.push(tearDown);
  try {
    const n = listenersOf(c);
    const rooms = Array.from({ length: c.rooms }, (_, r) => `fanout-${c.label}-${r}`);
    // Listeners alternate over the nodes; senders (one per room) sit on the first.
    const listeners = Array.from({ length: n }, (_, i) => ({
      url: deployment.urls[i % deployment.urls.length]!,
      roomId: rooms[Math.floor(i / c.perRoom)]!,
      name: `Listener ${i}`,
    }));
    const senders = rooms.map((roomId) => ({ url: deployment.urls[0]!, roomId, name: 'Sender' }));
    const before = sumRss(deployment.pids);
    const watches = deployment.pids.map((pid) => new ProcessWatch(pid, () => 0));
    const fillStart = performance.now();
    await pool.open('listen', listeners);
    await pool.open('send', senders, 0);
    const fillSeconds = (performance.now() - fillStart) / 1000;
    const fillServerCpuSeconds = watches.reduce((sum, watch) => sum + watch.stop().cores * fillSeconds, 0);
    await sleep(SETTLE_MS);
    const kibPerConnection = ((sumRss(deployment.pids) - before) * 1024) / (n + senders.length);
    const wire = await pool.wire();
    const fillPacketsPerListener = wire.packets / n;
    const fillEventsPerListener = wire.events / n;
    log(
      `  ${SERVER_LABELS[kind]}: ${n} listeners joined in ${fillSeconds.toFixed(1)} s (server ${fillServerCpuSeconds.toFixed(1)} CPU-s); ` +
        `per listener ${fillPacketsPerListener.toFixed(0)} packets carrying ${fillEventsPerListener.toFixed(0)} events`,
    );

    const latencies: number[] = [];
    let lost = 0;
    let refused = 0;
    let roundWatches: ProcessWatch[] = [];
    let roundsStart = 0;
    for (let rep = 0; rep < WARMUP + REPS; rep++) {
      if (rep === WARMUP) {
        roundWatches = deployment.pids.map((pid) => new ProcessWatch(pid, () => 0));
        roundsStart = performance.now();
      }
      const round = await pool.round(`${c.label}-${kind}-${rep}`);
      if (rep < WARMUP) continue;
      latencies.push(round.ms);
      lost += n - round.received;
      refused += round.refused;
      await sleep(20);
    }
    const roundsSeconds = (performance.now() - roundsStart) / 1000;
    const serverCpuUsPerLine = (roundWatches.reduce((sum, watch) => sum + watch.stop().cores * roundsSeconds, 0) * 1e6) / (REPS * c.rooms);
    return { latencies, fillSeconds, fillServerCpuSeconds, kibPerConnection, fillPacketsPerListener, fillEventsPerListener, serverCpuUsPerLine, lost, refused };
  } finally {
    cleanups.splice(cleanups.indexOf(tearDown), 1);
    await tearDown();
  }
}

const fixed = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const round2 = (value: number): number | null => (Number.isFinite(value) ? Math.round(value * 100) / 100 : null);

interface CaseResult {
  readonly benchCase: BenchCase;
  readonly outcomes: Partial<Record<ServerKind, Outcome>>;
}

function stats(outcome: Outcome | undefined): { p50: number; p99: number } | null {
  if (!outcome || 'notRun' in outcome) return null;
  return { p50: percentile(outcome.latencies, 50), p99: percentile(outcome.latencies, 99) };
}

function ratioToBare(result: CaseResult, kind: ServerKind): number {
  const own = stats(result.outcomes[kind]);
  const bare = stats(result.outcomes.bare);
  return own && bare ? own.p99 / bare.p99 : Number.NaN;
}

/** Server CPU per line over bare Socket.IO's in the same run. */
function cpuRatioToBare(result: CaseResult, kind: ServerKind): number {
  const own = result.outcomes[kind];
  const bare = result.outcomes.bare;
  if (!own || !bare || 'notRun' in own || 'notRun' in bare) return Number.NaN;
  return own.serverCpuUsPerLine / bare.serverCpuUsPerLine;
}

function summary(result: CaseResult): string[] {
  const lines = [`${describeCase(result.benchCase)}:`];
  for (const kind of KINDS) {
    const outcome = result.outcomes[kind];
    if (!outcome) continue;
    if ('notRun' in outcome) {
      lines.push(`  ${SERVER_LABELS[kind]}: not run: ${outcome.notRun}`);
      continue;
    }
    const { p50, p99 } = stats(outcome)!;
    const ratio = kind === 'bare' ? '' : `, p99 ${fixed(ratioToBare(result, kind), 2)}× bare (target ≤ ${TARGETS[kind]}×)`;
    const cpuRatio = kind === 'bare' ? '' : ` (${fixed(cpuRatioToBare(result, kind), 2)}× bare)`;
    const losses = outcome.lost + outcome.refused > 0 ? `; LOST ${outcome.lost} arrivals, ${outcome.refused} sends refused` : '';
    lines.push(
      `  ${SERVER_LABELS[kind]}: p50 ${fixed(p50)} ms, p99 ${fixed(p99)} ms${ratio}; ` +
        `server CPU ${fixed(outcome.serverCpuUsPerLine, 0)} µs per line${cpuRatio}; ` +
        `fill ${fixed(outcome.fillSeconds)} s (server ${fixed(outcome.fillServerCpuSeconds)} CPU-s, ` +
        `${fixed(outcome.fillPacketsPerListener, 0)} packets / ${fixed(outcome.fillEventsPerListener, 0)} events per listener); ` +
        `${fixed(outcome.kibPerConnection, 0)} KiB RSS per connection${losses}`,
    );
  }
  return lines;
}

function caseJson(result: CaseResult): Record<string, unknown> {
  const servers: Record<string, unknown> = {};
  for (const kind of KINDS) {
    const outcome = result.outcomes[kind];
    if (!outcome) continue;
    if ('notRun' in outcome) {
      servers[kind] = { not_run: outcome.notRun };
      continue;
    }
    const { p50, p99 } = stats(outcome)!;
    servers[kind] = {
      p50_ms: round2(p50),
      p99_ms: round2(p99),
      ...(kind === 'bare' ? {} : { p99_ratio_to_bare: round2(ratioToBare(result, kind)) }),
      server_cpu_us_per_line: round2(outcome.serverCpuUsPerLine),
      ...(kind === 'bare' ? {} : { server_cpu_ratio_to_bare: round2(cpuRatioToBare(result, kind)) }),
      fill_s: round2(outcome.fillSeconds),
      fill_server_cpu_s: round2(outcome.fillServerCpuSeconds),
      rss_kib_per_connection: round2(outcome.kibPerConnection),
      fill_packets_per_listener: round2(outcome.fillPacketsPerListener),
      fill_events_per_listener: round2(outcome.fillEventsPerListener),
      lost: outcome.lost,
      refused: outcome.refused,
    };
  }
  const { rooms, perRoom } = result.benchCase;
  return { case: result.benchCase.label, rooms, per_room: perRoom, listeners: rooms * perRoom, servers };
}

/** Whether every measured case met the target for `kind`; null where none was measured. */
function targetMet(results: readonly CaseResult[], kind: 'node1' | 'node2'): boolean | null {
  const ratios = results.map((r) => ratioToBare(r, kind)).filter(Number.isFinite);
  return ratios.length === 0 ? null : ratios.every((ratio) => ratio <= TARGETS[kind]);
}

/**
 * The predicted fill time of `c` from an earlier single-room fill on the same
 * server, or null without one. Every join is told to every member already
 * there, so filling a room of N delivers about N²/2 events (coalesced into
 * fewer packets, but the bytes remain): N² is the safe upper bound.
 */
function fillEstimate(c: BenchCase, kind: ServerKind, results: readonly CaseResult[]): number | null {
  if (kind === 'bare' || c.rooms !== 1) return null;
  const earlier = results
    .filter((r) => r.benchCase.rooms === 1 && r.benchCase.perRoom < c.perRoom)
    .map((r) => ({ n: r.benchCase.perRoom, outcome: r.outcomes[kind] }))
    .filter((e): e is { n: number; outcome: Measured } => e.outcome !== undefined && !('notRun' in e.outcome))
    .at(-1);
  return earlier ? earlier.outcome.fillSeconds * (c.perRoom / earlier.n) ** 2 : null;
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const work = await mkdtemp(join(tmpdir(), 'musync-fanout-bench-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));
  const results: CaseResult[] = [];
  let scaledModeMissing: string | null = null;
  for (const c of CASES) {
    log(`${describeCase(c)}`);
    const outcomes: Partial<Record<ServerKind, Outcome>> = {};
    for (const kind of KINDS) {
      if (kind === 'node2' && scaledModeMissing !== null) {
        outcomes[kind] = { notRun: scaledModeMissing };
        continue;
      }
      const estimate = fillEstimate(c, kind, results);
      if (estimate !== null && estimate > FILL_BUDGET_S) {
        outcomes[kind] = {
          notRun: `filling the room would take ≥ ${estimate.toFixed(0)} s (N² from the last fill: each join is announced to every member), over the ${FILL_BUDGET_S} s budget`,
        };
        log(`  ${SERVER_LABELS[kind]}: not run: ${outcomes[kind].notRun}`);
        continue;
      }
      // A server that fails under the load (a join refused, a process gone) is a result too.
      const outcome = await measure(kind, c, work).catch((error: unknown): Outcome => ({
        notRun: `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300),
      }));
      outcomes[kind] = outcome;
      if (kind === 'node2' && 'notRun' in outcome && outcome.notRun === SCALED_MODE_MISSING) scaledModeMissing = outcome.notRun;
      if ('notRun' in outcome) log(`  ${SERVER_LABELS[kind]}: not run: ${outcome.notRun}`);
    }
    results.push({ benchCase: c, outcomes });
  }

  out('Fan-out: one chat line to the last of N listeners (socket.io-client, websocket transport, loopback).');
  out(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${fixed(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}`);
  out(`load average (1 min) ${fixed(loadBefore, 2)} before, ${fixed(loadavg()[0]!, 2)} after; runtime ${fixed((Date.now() - started) / 1000, 0)} s`);
  out(`${REPS} measured lines per case and server (after ${WARMUP} warm-up), listeners in ${CLIENTS} client processes; fresh servers for each.`);
  out('');
  for (const result of results) for (const line of summary(result)) out(line);
  out(
    JSON.stringify({
      reps: REPS,
      client_processes: CLIENTS,
      cases: results.map(caseJson),
      targets: { node1_p99_ratio: TARGETS.node1, node2_p99_ratio: TARGETS.node2 },
      targets_met: { node1: targetMet(results, 'node1'), node2: targetMet(results, 'node2') },
    }),
  );
}

await runBench('fanout-bench', DEADLINE_MS, main);
