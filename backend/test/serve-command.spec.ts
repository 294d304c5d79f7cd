import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

import { SERVE_ARGS } from '../../e2e/fixtures/server-process.js';
import { startProcess, type ServerProcess } from './process-harness.js';

/** The young generation's cap the start command sets (MiB per semi-space; docs/benchmarks.md, Uploads). */
const SEMI_SPACE_MIB = 16;

/** The bytes V8 reserves for its young generation, as the server's own /metrics reports it. */
async function newSpaceBytes(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(text)?.[1];
  if (value === undefined) throw new Error('/metrics has no new-space size');
  return Number(value);
}

/** bufferutil's native addon for this platform, or null when its package ships none. */
function bufferutilPrebuild(): string | null {
  // Resolved the way the server's ws resolves it: from the ws that engine.io loads.
  const engineRequire = createRequire(createRequire(import.meta.url).resolve('engine.io'));
  const wsRequire = createRequire(engineRequire.resolve('ws'));
  const addon = join(dirname(wsRequire.resolve('bufferutil')), 'prebuilds', `${process.platform}-${process.arch}`, 'bufferutil.node');
  return existsSync(addon) ? addon : null;
}

describe('the production start command (npm run serve, the Docker CMD) as a process', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'musync-serve-'));
    server = await startProcess(dataDir);
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('hands its Node flags to V8: the young generation stays within two semi-spaces of 16 MiB', async () => {
    expect(SERVE_ARGS).toContain(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
    // Without the flag this server starts with 64 MiB of new space on a large machine.
    expect(await newSpaceBytes(server.url)).toBeLessThanOrEqual(2 * SEMI_SPACE_MIB * 1024 * 1024);
  });

  // Where bufferutil ships a prebuild and /proc shows what a process loaded (elsewhere ws masks in JavaScript).
  const linuxX64 = process.platform === 'linux' && process.arch === 'x64' ? it : it.skip;
  linuxX64('masks and unmasks WebSocket frames natively: ws has loaded bufferutil into the server', async () => {
    const addon = bufferutilPrebuild();
    expect(addon).not.toBeNull();
    const maps = await readFile(`/proc/${server.child.pid}/maps`, 'utf8');
    expect(maps).toContain(addon);
  });
});
