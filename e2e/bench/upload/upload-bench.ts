/**
 * Upload benchmark: how fast a file goes up through Musync's chunk protocol
 * (socket.io-client in Node driving the protocol's `sendUpload`, the SPA's own
 * sender) to the production server on loopback, against a plain HTTP PUT of the
 * same file to a minimal Node server (the ceiling); the server's resident
 * memory during the upload; and the same protocol over a 40 ms round trip
 * (the delaying proxy, 20 ms each way) with the default window and with
 * stop-and-wait. Prints a summary, then one JSON line. Run: `npm run bench:upload`.
 * What it measures and the figures: docs/benchmarks.md.
 *
 * Settings (env): UPLOAD_BENCH_MB=512 (MiB, the loopback and HTTP file; 2048 for
 * the 2 GiB run), UPLOAD_BENCH_RUNS=3 (loopback runs; the fastest counts),
 * UPLOAD_BENCH_RTT_MB=32 (MiB, each of the two files sent over the 40 ms round trip).
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

import { CHUNK_SIZE, sendUpload, UPLOAD_WINDOW } from '@musync/protocol';

import { cleanups, positiveInteger, runBench } from '../bench-run.ts';
import { DelayProxy } from '../delay-proxy.ts';
import { openFileSource } from './file-source.ts';
import { noiseWavSeconds, writeNoiseWav } from './noise-wav.ts';
import { commandLine, masksNatively, ProcessWatch, toMiB, watchOwnCpu, type ProcessWatchResult } from './process-watch.ts';
import { startHttpSink, startMusync } from './servers.ts';
import { SocketUploadWire } from './socket-wire.ts';

const MIB = 1024 * 1024;
const SIZE_MB = positiveInteger('UPLOAD_BENCH_MB', 512);
const RTT_SIZE_MB = positiveInteger('UPLOAD_BENCH_RTT_MB', 32);
/** Loopback runs (HTTP then Musync, each run its own file); the fastest counts, as the machine is shared. */
const RUNS = positiveInteger('UPLOAD_BENCH_RUNS', 3);
/** Each way, so the round trip is twice this. */
const ONE_WAY_MS = 20;
/** Hard stop: generous for stop-and-wait at 40 ms (~1.6 MB/s) plus the big file at a few MB/s. */
const DEADLINE_MS = (300 + RTT_SIZE_MB + RUNS * SIZE_MB) * 1000;

const TARGETS = {
  ratio: 0.6,
  rssGrowthMiB: 64,
  rttSpeedup: 5,
};

const log = (line: string): void => console.error(`[upload-bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
const out = (text: string): void => void process.stdout.write(`${text}\n`);

interface Measurement {
  readonly bytes: number;
  readonly seconds: number;
  /** MiB per second. */
  readonly mbs: number;
  /** Cores the client (this process) kept busy on average. */
  readonly clientCores: number;
  readonly server: ProcessWatchResult | null;
  /** Seconds from the last chunk's ack to the finish ack (checks, tags, move into the store). */
  readonly finishSeconds: number | null;
}

/** The ceiling: the file streamed (fs.createReadStream, 64 KiB reads) into one HTTP PUT. */
async function uploadOverHttp(url: string, sinkPid: number, path: string, bytes: number): Promise<Measurement> {
  let sent = 0;
  const server = new ProcessWatch(sinkPid, () => sent / bytes);
  const client = watchOwnCpu();
  const started = performance.now();
  const request = httpRequest(`${url}/upload`, {
    method: 'PUT',
    headers: { 'content-type': 'audio/wav', 'content-length': String(bytes) },
  });
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  const file = createReadStream(path);
  file.on('data', (chunk) => (sent += chunk.length));
  await pipeline(file, request);
  const answer = await response;
  let body = '';
  for await (const piece of answer) body += String(piece);
  const seconds = (performance.now() - started) / 1000;
  const clientCores = client.stop();
  const watched = server.stop();
  if (answer.statusCode !== 200) throw new Error(`HTTP PUT failed: ${answer.statusCode} ${body}`);
  const received = (JSON.parse(body) as { bytes: number }).bytes;
  if (received !== bytes) throw new Error(`the HTTP sink got ${received} of ${bytes} bytes`);
  return { bytes, seconds, mbs: toMiB(bytes) / seconds, clientCores, server: watched, finishSeconds: null };
}

/** One upload through the chunk protocol into a fresh room (its first member is the admin). */
async function uploadOverSocket(url: string, path: string, window: number, serverPid: number | null): Promise<Measurement> {
  const roomId = `upload-bench-${randomUUID().slice(0, 8)}`;
  const wire = await SocketUploadWire.connect(url, { roomId, username: 'Uploader' });
  const source = await openFileSource(path, 'audio/wav');
  try {
    let acked = 0;
    let allAckedAt = 0;
    const server = serverPid === null ? null : new ProcessWatch(serverPid, () => acked / source.size);
    const client = watchOwnCpu();
    const started = performance.now();
    const song = await sendUpload(wire, source, {
      window,
      onProgress: ({ offset }) => {
        acked = offset;
        if (offset === source.size) allAckedAt = performance.now();
      },
    });
    const ended = performance.now();
    const clientCores = client.stop();
    const watched = server?.stop() ?? null;
    const expected = noiseWavSeconds(source.size);
    if (Math.abs(song.duration - expected) > 0.01) {
      throw new Error(`the server read ${song.duration} s from ${path}; it holds ${expected.toFixed(3)} s`);
    }
    const seconds = (ended - started) / 1000;
    return {
      bytes: source.size,
      seconds,
      mbs: toMiB(source.size) / seconds,
      clientCores,
      server: watched,
      finishSeconds: allAckedAt > 0 ? (ended - allAckedAt) / 1000 : null,
    };
  } finally {
    await source.close();
    wire.close();
  }
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const round2 = (value: number): number => Math.round(value * 100) / 100;
const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');
const fastest = (runs: readonly Measurement[]): Measurement => runs.reduce((best, m) => (m.mbs > best.mbs ? m : best));

function describe(label: string, m: Measurement): string {
  // CPU seconds per GiB moved: what each side costs, whatever the other load on the machine.
  const perGiB = (cores: number): string => `${fixed((cores * m.seconds) / (m.bytes / 1024 ** 3))} CPU-s/GiB`;
  const parts = [`${label}: ${fixed(toMiB(m.bytes), 0)} MB in ${fixed(m.seconds, 2)} s = ${fixed(m.mbs)} MB/s`];
  // Only where the server is watched: through the delaying proxy, this process is the proxy too.
  if (m.server) {
    parts.push(`client ${fixed(m.clientCores, 2)} cores, ${perGiB(m.clientCores)}`);
    parts.push(`server ${fixed(m.server.cores, 2)} cores, ${perGiB(m.server.cores)}`);
  }
  if (m.finishSeconds !== null) parts.push(`finish ${fixed(m.finishSeconds * 1000, 0)} ms`);
  return parts.join('; ');
}

/** The highest RSS sampled in each quarter of the upload: flat memory shows as four similar figures. */
function rssByQuarter(server: ProcessWatchResult): string {
  const peaks: (number | null)[] = [null, null, null, null];
  for (const s of server.samples) {
    const quarter = Math.min(3, Math.floor(s.progress * 4));
    peaks[quarter] = Math.max(peaks[quarter] ?? 0, s.rssMiB);
  }
  return peaks.map((peak) => (peak === null ? '–' : fixed(peak))).join(' / ');
}

function machine(): string {
  return `machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown CPU'}, ${fixed(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}`;
}

/** Flushes dirty pages (the files just written, the last upload's copy) so no writeback competes with the next measurement. */
function settleDisk(): void {
  execFileSync('sync');
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  const work = await mkdtemp(join(tmpdir(), 'musync-upload-bench-'));
  cleanups.push(() => rm(work, { recursive: true, force: true }));

  // One file per socket.io upload, each with its own random content (see writeNoiseWav).
  const bigFiles = Array.from({ length: RUNS }, (_, i) => join(work, `noise-${SIZE_MB}-${i}.wav`));
  const rttFiles = [join(work, 'noise-rtt-a.wav'), join(work, 'noise-rtt-b.wav')] as const;
  log(`writing ${RUNS} × ${SIZE_MB} MiB and 2 × ${RTT_SIZE_MB} MiB noise WAVs under ${work}`);
  for (const file of bigFiles) await writeNoiseWav(file, SIZE_MB * MIB);
  for (const file of rttFiles) await writeNoiseWav(file, RTT_SIZE_MB * MIB);

  const sinkDir = join(work, 'sink');
  await mkdir(sinkDir);
  const sink = await startHttpSink(sinkDir);
  cleanups.push(() => sink.stop());
  const musync = await startMusync(join(work, 'data'));
  cleanups.push(() => musync.stop());
  log(`Musync on port ${musync.port} (pid ${musync.pid}), HTTP sink on port ${sink.port} (pid ${sink.pid})`);

  const https: Measurement[] = [];
  const loopbacks: Measurement[] = [];
  for (const [i, file] of bigFiles.entries()) {
    settleDisk();
    log(`run ${i + 1}/${RUNS}: HTTP PUT of ${SIZE_MB} MiB`);
    https.push(await uploadOverHttp(sink.url, sink.pid, file, SIZE_MB * MIB));
    settleDisk();
    log(`run ${i + 1}/${RUNS}: socket.io upload of ${SIZE_MB} MiB, window ${UPLOAD_WINDOW}`);
    loopbacks.push(await uploadOverSocket(musync.url, file, UPLOAD_WINDOW, musync.pid));
  }

  const proxy = await DelayProxy.start(musync.port, {
    up: { baseMs: ONE_WAY_MS, jitterMs: 0 },
    down: { baseMs: ONE_WAY_MS, jitterMs: 0 },
  });
  cleanups.push(() => proxy.close());
  settleDisk();
  log(`socket.io upload of ${RTT_SIZE_MB} MiB over ${2 * ONE_WAY_MS} ms RTT, window ${UPLOAD_WINDOW}`);
  const windowed = await uploadOverSocket(proxy.url, rttFiles[0], UPLOAD_WINDOW, null);
  log(`socket.io upload of ${RTT_SIZE_MB} MiB over ${2 * ONE_WAY_MS} ms RTT, window 1`);
  const stopAndWait = await uploadOverSocket(proxy.url, rttFiles[1], 1, null);

  const http = fastest(https);
  const loopback = fastest(loopbacks);
  // After the uploads, so the client's ws has been loaded.
  const nativeMasking = { client: masksNatively('self'), server: masksNatively(musync.pid) };
  // Memory: from the fresh server's RSS to the highest it reached in any run. Later runs
  // count, as the heap may take a second step up only after the first upload.
  const servers = loopbacks.map((m) => m.server!);
  const first = servers[0]!;
  const peakMiB = Math.max(...servers.map((s) => s.peakMiB));
  const growthMiB = peakMiB - first.baselineMiB;
  const ratio = loopback.mbs / http.mbs;
  const speedup = windowed.mbs / stopAndWait.mbs;
  const met = {
    ratio: ratio >= TARGETS.ratio,
    rss_growth: growthMiB <= TARGETS.rssGrowthMiB,
    rtt40: speedup >= TARGETS.rttSpeedup,
  };

  out(`Upload throughput and server memory (MB = MiB = 2^20 bytes; ${CHUNK_SIZE / 1024} KiB chunks).`);
  out(machine());
  out(`load average (1 min) ${fixed(loadBefore, 2)} before, ${fixed(loadavg()[0]!, 2)} after; runtime ${fixed((Date.now() - started) / 1000, 0)} s`);
  out('Client (this process), Musync server and HTTP sink are separate processes on loopback; `sync` before each upload.');
  out(`Musync server: ${commandLine(musync.pid)}`);
  const masking = (native: boolean): string => (native ? 'native (bufferutil)' : 'JavaScript');
  out(`WebSocket masking: client ${masking(nativeMasking.client)}, server ${masking(nativeMasking.server)}`);
  out('');
  out(`${RUNS} run(s) of ${SIZE_MB} MB each way, alternating; the fastest of each counts:`);
  for (const [i, m] of https.entries()) out(describe(`  ${i + 1}. HTTP PUT ceiling (node:http → file)`, m));
  for (const [i, m] of loopbacks.entries()) out(describe(`  ${i + 1}. Musync, socket.io, window ${UPLOAD_WINDOW}, start → finish ack`, m));
  out(`ratio ${fixed(loopback.mbs)} / ${fixed(http.mbs)} = ${fixed(ratio, 2)} (target ≥ ${TARGETS.ratio}: ${verdict(met.ratio)})`);
  for (const [i, s] of servers.entries()) {
    out(
      `Musync server RSS, run ${i + 1}: ${fixed(s.baselineMiB)} MB before, peak ${fixed(s.peakMiB)} MB${s.exactPeak ? ' (VmHWM)' : ' (sampled)'}, ` +
        `growth ${fixed(s.growthMiB)} MB; highest per quarter ${rssByQuarter(s)} MB`,
    );
  }
  out(
    `RSS growth ${fixed(growthMiB)} MB: the highest RSS of all runs over the fresh server's ${fixed(first.baselineMiB)} MB ` +
      `(target ≤ ${TARGETS.rssGrowthMiB}: ${verdict(met.rss_growth)}); the first upload alone: ${fixed(first.growthMiB)} MB`,
  );
  out(`HTTP sink RSS growth for comparison: ${https.map((m) => fixed(m.server!.growthMiB)).join(', ')} MB (from ${fixed(https[0]!.server!.baselineMiB)} MB)`);
  out('');
  out(`${2 * ONE_WAY_MS} ms RTT (delaying proxy, ${ONE_WAY_MS} ms each way), ${RTT_SIZE_MB} MB each:`);
  out(describe(`  window ${UPLOAD_WINDOW}`, windowed));
  out(describe('  window 1 (stop-and-wait)', stopAndWait));
  out(`  speed-up ${fixed(speedup, 2)}× (target ≥ ${TARGETS.rttSpeedup}×: ${verdict(met.rtt40)})`);
  out(
    JSON.stringify({
      mb_s: round2(loopback.mbs),
      http_mb_s: round2(http.mbs),
      ratio: round2(ratio),
      rss_growth_mb: round2(growthMiB),
      mb_s_rtt40: round2(windowed.mbs),
      mb_s_rtt40_window1: round2(stopAndWait.mbs),
      size_mb: SIZE_MB,
      runs: RUNS,
      rtt_size_mb: RTT_SIZE_MB,
      server_peak_rss_mb: round2(peakMiB),
      rss_growth_first_upload_mb: round2(first.growthMiB),
      rtt40_speedup: round2(speedup),
      ws_native_masking: nativeMasking,
      targets_met: met,
    }),
  );
}

await runBench('upload-bench', DEADLINE_MS, main);
