/**
 * What a clock ping costs the server: N listeners each send `time:ping` R
 * times a second for D seconds; the server process's CPU time over that span
 * (/proc, all threads), divided by the pings answered, is the cost of one.
 * Measured for a bare Socket.IO server answering the same event with the same
 * payload shapes (the ceiling on this machine) and for Musync, in the same run;
 * the ratio is Musync's cost over bare's. Also prints the round trip the
 * listeners saw (loopback, so it is mostly the two processes' queues).
 *
 * Run: `npm run build && node e2e/bench/clock/ping-cost-bench.ts`.
 * Settings (env): PING_BENCH_CLIENTS=1000, PING_BENCH_RATE=4 (pings per second
 * per listener), PING_BENCH_SECONDS=20.
 * Last line: JSON with both servers' figures and the ratio.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { io, type Socket } from 'socket.io-client';

import { startMusync, startPortPrinter, type ServerProcess } from '../../fixtures/server-process.ts';
import { cleanups, positiveInteger, runBench } from '../bench-run.ts';
import { percentile } from '../click-skew.ts';
import { ProcessWatch } from '../upload/process-watch.ts';

const BARE_ENTRY = fileURLToPath(new URL('../fanout/bare-server.ts', import.meta.url));
const CLIENTS = positiveInteger('PING_BENCH_CLIENTS', 1000);
const RATE = positiveInteger('PING_BENCH_RATE', 4);
const SECONDS = positiveInteger('PING_BENCH_SECONDS', 20);
const WARMUP_MS = 3_000;
const ACK_TIMEOUT_MS = 5_000;
// Every listener comes from loopback: lift the per-address caps, which are not what is measured.
const SERVER_ENV = { MAX_CONNECTIONS_PER_IP: '100000', RATE_LIMIT_IP_FACTOR: '100000' };

const log = (line: string): void => console.error(`[ping-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Measured {
  readonly pings: number;
  readonly failed: number;
  readonly serverCores: number;
  readonly microsPerPing: number;
  readonly rttP50: number;
  readonly rttP99: number;
}

async function connect(url: string): Promise<Socket[]> {
  const sockets: Socket[] = [];
  cleanups.push(() => sockets.forEach((s) => s.disconnect()));
  for (let i = 0; i < CLIENTS; i++) {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }
  return sockets;
}

/** Every listener pings at RATE, phases spread evenly; records round trips while `recording`. */
function pingAll(sockets: readonly Socket[]): { record(on: boolean): void; stop(): Promise<void>; rtts: number[]; failed(): number } {
  const rtts: number[] = [];
  let recording = false;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  const period = 1000 / RATE;
  const timers = sockets.map((socket, i) =>
    setTimeout(() => {
      const ping = (): void => {
        const t0 = now();
        const answered = socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('time:ping', { t0 })
          .then(
            (ack: { ok: boolean }) => {
              if (!recording) return;
              if (ack.ok) rtts.push(now() - t0);
              else failed++;
            },
            () => void (recording && failed++),
          )
          .finally(() => inFlight.delete(answered));
        inFlight.add(answered);
      };
      ping();
      timers[i] = setInterval(ping, period);
    }, (i * period) / sockets.length),
  );
  return {
    rtts,
    failed: () => failed,
    record: (on) => void (recording = on),
    stop: async () => {
      timers.forEach((t) => clearInterval(t));
      await Promise.all(inFlight);
    },
  };
}

async function measure(label: string, server: ServerProcess): Promise<Measured> {
  const sockets = await connect(server.url);
  log(`${label}: ${sockets.length} listeners connected`);
  const pinger = pingAll(sockets);
  await sleep(WARMUP_MS);
  pinger.record(true);
  const watch = new ProcessWatch(server.pid, () => 0);
  await sleep(SECONDS * 1000);
  const { cores } = watch.stop();
  pinger.record(false);
  await pinger.stop();
  sockets.forEach((s) => s.disconnect());
  const pings = pinger.rtts.length;
  const measured = {
    pings,
    failed: pinger.failed(),
    serverCores: cores,
    microsPerPing: (cores * SECONDS * 1e6) / pings,
    rttP50: percentile(pinger.rtts, 50),
    rttP99: percentile(pinger.rtts, 99),
  };
  log(
    `${label}: ${pings} pings in ${SECONDS} s (${measured.failed} failed); server ${(cores * 100).toFixed(1)}% of a core, ` +
      `${measured.microsPerPing.toFixed(1)} µs CPU per ping; round trip p50 ${measured.rttP50.toFixed(2)} / p99 ${measured.rttP99.toFixed(2)} ms`,
  );
  return measured;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
const figures = (m: Measured) => ({
  pings: m.pings,
  failed: m.failed,
  server_cores: round(m.serverCores, 3),
  us_per_ping: round(m.microsPerPing, 1),
  rtt_p50_ms: round(m.rttP50),
  rtt_p99_ms: round(m.rttP99),
});

await runBench('ping-bench', 10 * 60_000, async () => {
  log(`${CLIENTS} listeners × ${RATE} pings/s for ${SECONDS} s; ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}`);
  const bare = await startPortPrinter('the bare Socket.IO server', BARE_ENTRY, []);
  cleanups.push(() => bare.stop());
  const bareFigures = await measure('bare Socket.IO', bare);
  await bare.stop();

  const data = await mkdtemp(join(tmpdir(), 'musync-ping-bench-'));
  cleanups.push(() => rm(data, { recursive: true, force: true }));
  const musync = await startMusync(data, { env: SERVER_ENV });
  cleanups.push(() => musync.stop());
  const musyncFigures = await measure('Musync', musync);
  await musync.stop();

  const ratio = musyncFigures.microsPerPing / bareFigures.microsPerPing;
  log(`Musync's CPU per ping is ${ratio.toFixed(2)}× bare Socket.IO's; load ${loadavg()[0]!.toFixed(2)}`);
  process.stdout.write(
    `${JSON.stringify({ clients: CLIENTS, rate: RATE, seconds: SECONDS, bare: figures(bareFigures), musync: figures(musyncFigures), cost_ratio_to_bare: round(ratio) })}\n`,
  );
});
