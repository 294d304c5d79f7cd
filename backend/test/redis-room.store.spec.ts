import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ChatLine } from '@musync/protocol';

import { RedisProcess } from '../../e2e/fixtures/server-process.js';
import { RedisLink } from '../src/cluster/redis-link.js';
import { ServerClock } from '../src/clock/server-clock.js';
import { parseConfig } from '../src/config/config.js';
import { joining, member } from '../src/room/room.spec-kit.js';
import { emptyRoom, type RoomState } from '../src/room/room.state.js';
import { keys, RedisRoomStore } from '../src/store/redis-room.store.js';
import { RoomPersistence, type PersistedRoom } from '../src/store/room-persistence.js';

/** Rooms kept on disk by an embedded run: none unless given, so every other room lives in Redis only. */
class NoDisk extends RoomPersistence {
  constructor(private readonly rooms: Readonly<Record<string, PersistedRoom>> = {}) {
    super();
  }

  async load(roomId: string): Promise<PersistedRoom | null> {
    return this.rooms[roomId] ?? null;
  }

  save(): Promise<void> {
    return Promise.resolve();
  }

  async list(): Promise<string[]> {
    return [];
  }
}

const texts = (chat: readonly ChatLine[]): string[] => chat.flatMap((line) => (line.kind === 'message' ? [line.text] : []));
const said = (state: RoomState): string[] => texts(state.chat);

/** Two nodes' stores on one real redis-server: each starts a command from the state it wrote last. */
describe('RedisRoomStore, two nodes on one Redis', () => {
  let dir: string;
  let redis: RedisProcess;
  let links: RedisLink[];
  let a: RedisRoomStore;
  let b: RedisRoomStore;

  /** Another node's store on the same Redis, with its own settings and disk. */
  const node = (env: Record<string, string> = {}, disk = new NoDisk()): RedisRoomStore => {
    const link = new RedisLink(redis.url);
    links.push(link);
    return new RedisRoomStore(new ServerClock(), disk, parseConfig({ REDIS_URL: redis.url, ...env }), link);
  };
  /** The room as Redis holds it, read raw: the hash's JSON and the chat list. */
  const raw = async (roomId: string): Promise<{ json: { state: Partial<RoomState> }; list: ChatLine[] }> => {
    const redisClient = links[0]!.required();
    const json = JSON.parse((await redisClient.hget(keys.room(roomId), 's'))!) as { state: Partial<RoomState> };
    const list = (await redisClient.lrange(keys.chat(roomId), 0, -1)).map((line) => JSON.parse(line) as ChatLine);
    return { json, list };
  };

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

  it('runs its scripts by SHA, and sends them again to a Redis that forgot them (a restart, SCRIPT FLUSH)', async () => {
    await a.apply('lobby', joining('Ada'), member('ada'));
    const redisClient = links[0]!.required();
    await redisClient.script('FLUSH');
    await a.apply('lobby', { type: 'chat:send', text: 'after the flush' }, member('ada'));
    const fresh = node();
    expect(said((await fresh.get('lobby'))!)).toEqual(['after the flush']);
    await redisClient.script('FLUSH');
    expect(said((await node().get('lobby'))!)).toEqual(['after the flush']);
  });

  describe('chat lines in a list apart from the room JSON', () => {
    it('a chat line is appended to the room’s list and the room JSON holds no chat (an empty one)', async () => {
      await a.apply('lobby', joining('Ada'), member('ada'));
      await a.apply('lobby', { type: 'chat:send', text: 'hello' }, member('ada'));

      const { json, list } = await raw('lobby');
      expect(json.state.chat).toEqual([]);
      expect(json.state).toMatchObject({ lineSeq: Number(list.at(-1)!.id), chatHistory: 50 });
      expect(texts(list)).toEqual(['hello']);
      expect(list).toEqual((await b.get('lobby'))!.chat);
    });

    it('the list keeps only the last CHAT_HISTORY lines', async () => {
      const small = node({ CHAT_HISTORY: '3' });
      await small.apply('lobby', joining('Ada'), member('ada'));
      for (const text of ['one', 'two', 'three', 'four', 'five']) {
        await small.apply('lobby', { type: 'chat:send', text }, member('ada'));
      }

      const { list } = await raw('lobby');
      expect(texts(list)).toEqual(['three', 'four', 'five']);
      expect((await b.get('lobby'))!.chat).toEqual(list);
    });

    it('chat sent on two nodes at once: every line is kept exactly once, in id order, and both nodes read the same', async () => {
      await a.apply('lobby', joining('Ada'), member('ada'));
      await b.apply('lobby', joining('Bob'), member('bob'));
      const sent = Array.from({ length: 15 }, (_, i) => [`A${i}`, `B${i}`]).flat();
      await Promise.all(
        sent.map((text) => (text.startsWith('A') ? a : b).apply('lobby', { type: 'chat:send', text }, member(text.startsWith('A') ? 'ada' : 'bob'))),
      );

      const { list } = await raw('lobby');
      expect(texts(list).toSorted()).toEqual(sent.toSorted());
      const ids = list.map((line) => Number(line.id));
      expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
      expect((await a.get('lobby'))!.chat).toEqual(list);
      expect((await b.get('lobby'))!.chat).toEqual(list);
    });

    it('a room stored with its chat in the JSON (before the list) reads with its chat, and its next write moves the chat to the list', async () => {
      await a.apply('lobby', joining('Ada'), member('ada'));
      await a.apply('lobby', { type: 'chat:send', text: 'old one' }, member('ada'));
      await a.apply('lobby', { type: 'chat:send', text: 'old two' }, member('ada'));
      const { json, list } = await raw('lobby');
      const redisClient = links[0]!.required();
      await redisClient.del(keys.chat('lobby'));
      await redisClient.hset(keys.room('lobby'), 's', JSON.stringify({ ...json, state: { ...json.state, chat: list } }));
      const fresh = node();

      expect((await fresh.get('lobby'))!.chat).toEqual(list);
      await fresh.apply('lobby', { type: 'chat:send', text: 'new' }, member('ada'));
      const after = await raw('lobby');
      expect(after.json.state.chat).toEqual([]);
      expect(texts(after.list)).toEqual(['old one', 'old two', 'new']);
      expect(after.list.slice(0, list.length)).toEqual(list);
    });

    it('a node of the release before, beside this one in a rolling upgrade: it reads an empty chat, and the lines it adds join the list once each', async () => {
      await a.apply('lobby', joining('Ada'), member('ada'));
      await a.apply('lobby', { type: 'chat:send', text: 'new one' }, member('ada'));
      const before = await raw('lobby');
      const redisClient = links[0]!.required();
      // What the old release does with the room it reads: its reducer appends to the JSON's
      // (empty) chat and writes the whole state back with a new version.
      const oldLine = { ...before.list.at(-1)!, id: String(before.json.state.lineSeq! + 1), text: 'from an old node' };
      const oldState = { ...before.json.state, chat: [...before.json.state.chat!, oldLine], lineSeq: Number(oldLine.id) };
      await redisClient.hset(keys.room('lobby'), 'v', '99.old', 's', JSON.stringify({ ...before.json, state: oldState }));

      expect(texts((await b.get('lobby'))!.chat)).toEqual(['new one', 'from an old node']);
      await b.apply('lobby', { type: 'chat:send', text: 'new two' }, member('ada'));
      const after = await raw('lobby');
      expect(texts(after.list)).toEqual(['new one', 'from an old node', 'new two']);
      expect(after.json.state.chat).toEqual([]);
      expect(after.list.map((l) => l.id)).toEqual([...new Set(after.list.map((l) => l.id))]);
    });

    it('a room imported from DATA_DIR with chat lines has them in its list after its first command', async () => {
      const chat: ChatLine[] = [
        { kind: 'message', id: '7', at: 1, personId: 'person-old', name: 'Old', admin: true, text: 'from disk' },
        { kind: 'notice', id: '8', at: 2, notice: { type: 'left', name: 'Old' } },
      ];
      const saved: PersistedRoom = {
        format: 2,
        playlist: [],
        settings: emptyRoom('saved').settings,
        passcode: null,
        playback: { songId: null, position: 0 },
        chat,
        lineSeq: 8,
        requests: [],
      };
      // A stale list (Redis lost the room but not this key) is replaced, not appended to.
      await links[0]!.required().rpush(keys.chat('saved'), JSON.stringify({ ...chat[0], id: '1', text: 'stale' }));
      const restored = node({}, new NoDisk({ saved }));

      await restored.apply('saved', joining('Ada'), member('ada'));
      const { json, list } = await raw('saved');
      expect(json.state.chat).toEqual([]);
      expect(list.slice(0, 2)).toEqual(chat);
      expect(list.map((line) => line.id)).toEqual(list.map((_, i) => String(7 + i)));
      expect((await b.get('saved'))!.chat).toEqual(list);
    });
  });
});
