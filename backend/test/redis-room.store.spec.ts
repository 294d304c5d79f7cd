import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { RedisProcess } from '../../e2e/fixtures/server-process.js';
import { RedisLink } from '../src/cluster/redis-link.js';
import { ServerClock } from '../src/clock/server-clock.js';
import { parseConfig } from '../src/config/config.js';
import { joining, member } from '../src/room/room.spec-kit.js';
import type { RoomState } from '../src/room/room.state.js';
import { RedisRoomStore } from '../src/store/redis-room.store.js';
import { RoomPersistence, type PersistedRoom } from '../src/store/room-persistence.js';

/** No rooms kept on disk: every room here lives in Redis only. */
class NoDisk extends RoomPersistence {
  async load(): Promise<PersistedRoom | null> {
    return null;
  }

  save(): Promise<void> {
    return Promise.resolve();
  }

  async list(): Promise<string[]> {
    return [];
  }
}

const said = (state: RoomState): string[] => state.chat.flatMap((line) => (line.kind === 'message' ? [line.text] : []));

/** Two nodes' stores on one real redis-server: each starts a command from the state it wrote last. */
describe('RedisRoomStore, two nodes on one Redis', () => {
  let dir: string;
  let redis: RedisProcess;
  let links: RedisLink[];
  let a: RedisRoomStore;
  let b: RedisRoomStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'musync-redis-store-'));
    redis = await RedisProcess.start(dir);
  });

  afterAll(async () => {
    await redis.stop();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(async () => {
    links = [new RedisLink(redis.url), new RedisLink(redis.url)];
    const config = parseConfig({ REDIS_URL: redis.url });
    [a, b] = links.map((link) => new RedisRoomStore(new ServerClock(), new NoDisk(), config, link)) as [RedisRoomStore, RedisRoomStore];
    await links[1]!.required().ping();
    await links[0]!.required().flushall();
  });

  afterEach(async () => {
    await Promise.all(links.map((link) => link.onApplicationShutdown()));
  });

  it('a node whose last write is no longer the room’s applies on the current room: nothing the other node did is lost', async () => {
    await a.apply('lobby', joining('Ada'), member('ada'));
    await a.apply('lobby', { type: 'chat:send', text: 'from A' }, member('ada'));
    await b.apply('lobby', joining('Bob'), member('bob'));
    await b.apply('lobby', { type: 'chat:send', text: 'from B' }, member('bob'));

    const { state } = await a.apply('lobby', { type: 'chat:send', text: 'A again' }, member('ada'));
    expect(state.members.map((m) => m.name)).toEqual(['Ada', 'Bob']);
    expect(said(state)).toEqual(['from A', 'from B', 'A again']);
    expect(said((await b.get('lobby'))!)).toEqual(['from A', 'from B', 'A again']);
  });

  it('a room Redis lost and rebuilt is never overwritten with what a node remembered of it before', async () => {
    await a.apply('lobby', joining('Ada'), member('ada'));
    await a.apply('lobby', { type: 'chat:send', text: 'before the loss' }, member('ada'));
    await links[0]!.required().flushall();
    // Rebuilt by the other node to as many writes as A remembers.
    await b.apply('lobby', joining('Bob'), member('bob'));
    await b.apply('lobby', { type: 'chat:send', text: 'after the loss' }, member('bob'));

    const { state } = await a.apply('lobby', joining('Cy'), member('cy'));
    expect(said(state)).toEqual(['after the loss']);
    expect(state.members.map((m) => m.name)).toEqual(['Bob', 'Cy']);
  });
});
