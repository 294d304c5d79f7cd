import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { JoinResult, Song } from '@musync/protocol';

import { RedisProcess, startMusync, type ServerProcess } from '../../e2e/fixtures/server-process.js';
import { connectClient, request, type TestClient } from './harness.js';

/**
 * The scaled topology for real, without Docker: a redis-server this test
 * starts on a free port (append-only, in its own directory) and Musync nodes
 * (`npm run serve` processes) on one shared DATA_DIR.
 */
export class Cluster {
  readonly nodes: ServerProcess[] = [];
  private readonly clients: TestClient[] = [];

  private constructor(
    readonly redis: RedisProcess,
    readonly dir: string,
  ) {}

  static async start(): Promise<Cluster> {
    const dir = await mkdtemp(join(tmpdir(), 'musync-cluster-'));
    await mkdir(join(dir, 'redis'));
    return new Cluster(await RedisProcess.start(join(dir, 'redis')), dir);
  }

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  /** Puts a room on the shared DATA_DIR before the nodes open it (the way an embedded run left it). */
  async seedRoom(roomId: string, playlist: readonly Song[], current: string | null = null): Promise<void> {
    await mkdir(join(this.dataDir, 'rooms'), { recursive: true });
    const room = {
      format: 2,
      playlist,
      settings: { control: 'everyone', skipThreshold: 'majority' },
      playback: { songId: current, position: 0 },
      chat: [],
      lineSeq: 0,
      requests: [],
    };
    await writeFile(join(this.dataDir, 'rooms', `${roomId}.json`), JSON.stringify(room));
  }

  async startNode(env: Record<string, string> = {}): Promise<ServerProcess> {
    const node = await startMusync(this.dataDir, { env: { REDIS_URL: this.redis.url, ADMIN_GRACE_MS: '0', ...env } });
    this.nodes.push(node);
    return node;
  }

  /** A socket.io client of `node`; `reconnectTo` lets it fail over like a browser behind a load balancer. */
  async connect(node: ServerProcess, { reconnection = false } = {}): Promise<TestClient> {
    const client = await connectClient(node.url, { reconnection });
    this.clients.push(client);
    return client;
  }

  /** A client of `node` that joined `roomId`, with its join ack. */
  async enter(node: ServerProcess, username: string, roomId = 'lobby', clientToken?: string) {
    const client = await this.connect(node);
    const ack = await request(client, 'room:join', { roomId, username, ...(clientToken ? { clientToken } : {}) });
    if (!ack.ok) throw new Error(`join failed: ${ack.error.code} ${ack.error.message}`);
    return { client, joined: ack as unknown as JoinResult };
  }

  async stop(): Promise<void> {
    for (const client of this.clients) client.disconnect();
    await Promise.all(this.nodes.map((node) => node.stop()));
    await this.redis.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Waits until `check` holds (polling every 50 ms), failing after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh cluster for each test (`each`) or one for the whole file (`all`), stopped afterwards. */
export function useCluster(scope: 'each' | 'all'): () => Cluster {
  let cluster: Cluster | undefined;
  const [setUp, tearDown] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  setUp(async () => {
    cluster = await Cluster.start();
  }, 30_000);
  tearDown(async () => {
    await cluster?.stop();
  }, 30_000);
  return () => {
    if (!cluster) throw new Error('the cluster has not started');
    return cluster;
  };
}
