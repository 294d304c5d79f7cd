import { randomBytes } from 'node:crypto';

import { Logger } from '@nestjs/common';
import { CHAT_HISTORY_DEFAULT, ErrorCode, type ChatLine } from '@musync/protocol';
import type { Redis } from 'ioredis';

import { LuaScript } from '../cluster/lua-script.js';
import { RedisLink } from '../cluster/redis-link.js';
import { DomainError } from '../common/domain-error.js';
import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { linesAfter, mergeLines } from '../room/chat.rules.js';
import { restore } from '../room/memory-room.store.js';
import { RoomStore } from '../room/room.store.js';
import { apply, emptyRoom, type Actor, type RoomCommand, type AppliedResult, type RoomState } from '../room/room.state.js';
import { RoomPersistence } from './room-persistence.js';

/** Key layout (one Redis, one keyspace prefix). */
export const keys = {
  room: (roomId: string) => `musync:room:${roomId}`,
  /** The room's chat lines, oldest first, one ChatLine JSON each: appended per line, apart from the room JSON. */
  chat: (roomId: string) => `musync:room:${roomId}:chat`,
  songRooms: (songId: string) => `musync:song:${songId}`,
  nodeRooms: (nodeId: string) => `musync:node:${nodeId}:rooms`,
};

/**
 * A room as kept in Redis: its state, and the node that holds each member's socket. The hash
 * holds it without `state.chat`, whose lines are the room's chat list (see COMPARE_AND_SET).
 */
interface StoredRoom {
  readonly state: RoomState;
  readonly nodes: Readonly<Record<string, string>>;
}

/** A room as a node knows it: read from Redis, or as it last wrote it there. */
interface KnownRoom {
  /** '' when the room is not in Redis. */
  readonly version: string;
  /** The full state, chat included. */
  readonly stored: StoredRoom;
  /**
   * Whether the chat list holds exactly `state.chat`. Not for a room new to Redis, nor one
   * stored before the list (its chat in the JSON): their next write replaces the list.
   */
  readonly listed: boolean;
}

/** The room as it is now, in the scripts below: version ('' if absent), JSON ('' if absent), chat lines. */
const ROOM_NOW = `{current, redis.call('HGET', room, 's') or '', redis.call('LRANGE', chat, 0, -1)}`;

/** Reads a room's hash and its chat list in one atomic step. KEYS[1] room, KEYS[2] chat list. */
const READ = new LuaScript(`
local room, chat = KEYS[1], KEYS[2]
local current = redis.call('HGET', room, 'v') or ''
return ${ROOM_NOW}
`);

/**
 * Compare-and-set of one room: writes the new state only if the room's version
 * is still the one the command was computed from, and in the same atomic step
 * appends the command's new chat lines to the room's list (trimmed to the room's
 * history) and keeps the song → rooms index and the node → rooms index. The
 * whole history is not rewritten with every line: a chat line costs its own few
 * hundred bytes, not the room's ~10 KB of JSON. Returns 1 when written; else
 * the room as it is now (see READ), so the retry needs no second read.
 * KEYS[1] room, KEYS[2] chat list; ARGV: expected version ('' = absent), new version, envelope,
 * room id, node-rooms key ('' = none), '1' to replace the list (else append), history, #lines,
 * lines…, #added, song keys added…, removed…
 */
const COMPARE_AND_SET = new LuaScript(`
local room, chat = KEYS[1], KEYS[2]
local current = redis.call('HGET', room, 'v') or ''
if current ~= ARGV[1] then return ${ROOM_NOW} end
redis.call('HSET', room, 'v', ARGV[2], 's', ARGV[3])
if ARGV[5] ~= '' then redis.call('SADD', ARGV[5], ARGV[4]) end
if ARGV[6] == '1' then redis.call('DEL', chat) end
local lines = tonumber(ARGV[8])
if lines > 0 then
  redis.call('RPUSH', chat, unpack(ARGV, 9, 8 + lines))
  redis.call('LTRIM', chat, -tonumber(ARGV[7]), -1)
end
local songs = 9 + lines
local added = tonumber(ARGV[songs])
for i = songs + 1, #ARGV do
  if i <= songs + added then redis.call('SADD', ARGV[i], ARGV[4]) else redis.call('SREM', ARGV[i], ARGV[4]) end
end
return 1
`);

/** Attempts before a command gives up under contention (each loses only to a command that did apply). */
const MAX_ATTEMPTS = 100;
/** Rooms whose last written state a node keeps to start its next command from (the most recently written). */
const LAST_WRITTEN_ROOMS = 1000;

/** This process's tag in the versions it writes (random once: randomBytes per write was ~0.03 of a busy node's time). */
const WRITER = randomBytes(6).toString('hex');
/** Versions this process wrote so far: with WRITER, unique among all writes of all nodes. */
let writes = 0;

/**
 * A version no other write of the room can have had: a count, this process's tag and its own
 * running number, so a room rebuilt after Redis lost its data never comes back to a version
 * a node remembers.
 */
function nextVersion(version: string): string {
  writes += 1;
  return `${Number.parseInt(version || '0', 10) + 1}.${WRITER}${writes.toString(36)}`;
}

/**
 * The scaled store: each room is one Redis hash (version + JSON) and a list of
 * its chat lines, and every command is applied optimistically: read, run the pure reducer, write back
 * only if nobody wrote in between (a Lua compare-and-set), else retry. So
 * commands arriving on different nodes at the same moment are serialized and
 * never half-applied. Redis (with AOF) is the durable copy; a room not yet in
 * Redis is imported once from DATA_DIR (a node that ran embedded before).
 * A node starts each command from the state it last wrote to the room, if it
 * still holds it, instead of reading the room: when no other node wrote since,
 * the common case for a room's busy stretch, a command costs one round trip and
 * no JSON parse (profile: the read and its parse were ~0.07 ms a chat line at 200 rooms × 10).
 */
export class RedisRoomStore extends RoomStore {
  private readonly logger = new Logger(RedisRoomStore.name);
  private readonly redis: Redis;
  /** The last command queued per room on this node: a node applies one at a time per room. */
  private readonly queues = new Map<string, Promise<unknown>>();
  /** The version and full state this node last wrote per room (a hint: the compare-and-set still decides). */
  private readonly lastWritten = new Map<string, KnownRoom>();

  constructor(
    private readonly clock: ServerClock,
    private readonly persistence: RoomPersistence,
    private readonly config: AppConfig,
    private readonly link: RedisLink,
  ) {
    super();
    this.redis = link.required();
  }

  /**
   * Commands for one room on this node run one after another: they would only
   * lose the compare-and-set to each other (a room filling with 25 joins in
   * flight retried most of them, each re-reading the whole room), so only
   * commands from other nodes are left to race. While Redis is away they do not
   * queue: each waits for it on its own, as before, instead of one after another.
   */
  apply(roomId: string, command: RoomCommand, actor: Actor): Promise<AppliedResult> {
    if (this.redis.status !== 'ready') return this.applyNow(roomId, command, actor);
    const previous = this.queues.get(roomId) ?? Promise.resolve();
    const result = previous.then(() => this.applyNow(roomId, command, actor));
    const tail = result.catch(() => undefined);
    this.queues.set(roomId, tail);
    void tail.then(() => {
      if (this.queues.get(roomId) === tail) this.queues.delete(roomId);
    });
    return result;
  }

  private async applyNow(roomId: string, command: RoomCommand, actor: Actor): Promise<AppliedResult> {
    let current = this.lastWritten.get(roomId) ?? (await this.read(roomId));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { version, stored, listed } = current;
      const result = apply(stored.state, command, actor, this.clock.now());
      const nodes = nodesAfter(stored, result.state, command, actor, this.link.nodeId);
      // A room imported from DATA_DIR has never been indexed: all its songs count as added.
      const before = new Set(version === '' ? [] : stored.state.playlist.map((s) => s.id));
      const after = new Set(result.state.playlist.map((s) => s.id));
      const added = [...after].filter((id) => !before.has(id));
      const removed = [...before].filter((id) => !after.has(id));
      const written: StoredRoom = { state: result.state, nodes };
      const newVersion = nextVersion(version);
      const lines = listed ? linesAfter(result.state.chat, stored.state.lineSeq) : result.state.chat;
      const answer = (await COMPARE_AND_SET.run(this.redis, [keys.room(roomId), keys.chat(roomId)], [
        version,
        newVersion,
        // The chat goes in the list; an empty one stays in the JSON so that a node of the
        // release before, beside this one in a rolling upgrade, reads the room (see knownFrom).
        JSON.stringify({ state: { ...result.state, chat: [] }, nodes }),
        roomId,
        command.type === 'member:join' ? keys.nodeRooms(this.link.nodeId) : '',
        listed ? '0' : '1',
        String(result.state.chatHistory),
        String(lines.length),
        ...lines.map((line) => JSON.stringify(line)),
        String(added.length),
        ...added.map(keys.songRooms),
        ...removed.map(keys.songRooms),
      ])) as 1 | RoomNow;
      if (answer === 1) {
        this.remember(roomId, { version: newVersion, stored: written, listed: true });
        return result;
      }
      this.lastWritten.delete(roomId);
      current = knownFrom(answer) ?? (await this.read(roomId));
    }
    this.logger.warn(`room ${roomId}: ${command.type} lost ${MAX_ATTEMPTS} races in a row`);
    throw new DomainError(ErrorCode.INTERNAL, 'The room is too busy right now; try again.');
  }

  async get(roomId: string): Promise<RoomState | null> {
    const { stored, found } = await this.read(roomId);
    return found ? stored.state : null;
  }

  async songInUse(songId: string): Promise<boolean> {
    if ((await this.redis.scard(keys.songRooms(songId))) > 0) return true;
    // Rooms kept on disk from an embedded run and never opened since still count.
    for (const roomId of await this.persistence.list()) {
      if ((await this.redis.exists(keys.room(roomId))) === 1) continue;
      if ((await this.persistence.load(roomId))?.playlist.some((s) => s.id === songId)) return true;
    }
    return false;
  }

  async ready(): Promise<void> {
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    await this.redis.ping();
  }

  /** The members of a room whose sockets `nodeId` held. */
  async membersOn(roomId: string, nodeId: string): Promise<string[]> {
    const { stored } = await this.read(roomId);
    return stored.state.members.filter((m) => stored.nodes[m.id] === nodeId).map((m) => m.id);
  }

  /** Keeps what this node wrote last, for rooms with members (an emptied room's next command is rare). */
  private remember(roomId: string, written: KnownRoom): void {
    this.lastWritten.delete(roomId);
    if (written.stored.state.members.length === 0) return;
    this.lastWritten.set(roomId, written);
    // Maps iterate in insertion order: the first is the room written longest ago.
    for (const oldest of this.lastWritten.keys()) {
      if (this.lastWritten.size <= LAST_WRITTEN_ROOMS) break;
      this.lastWritten.delete(oldest);
    }
  }

  /** The room as Redis has it, else as DATA_DIR has it (version ''), and whether it existed anywhere. */
  private async read(roomId: string): Promise<KnownRoom & { readonly found: boolean }> {
    const now = (await READ.run(this.redis, [keys.room(roomId), keys.chat(roomId)], [])) as RoomNow;
    const known = knownFrom(now);
    if (known) return { ...known, found: true };
    const saved = await this.persistence.load(roomId);
    const state = saved
      ? restore(roomId, saved, this.clock.now(), this.config.CHAT_HISTORY)
      : emptyRoom(roomId, this.config.CHAT_HISTORY);
    return { version: '', stored: { state, nodes: {} }, listed: false, found: saved !== null };
  }
}

/** A room as the scripts answer it: version, hash JSON ('' and '' if absent), chat list. */
type RoomNow = [string, string, string[]];

/** The room a script answered, with its chat put back into the state; null if it is not in Redis. */
function knownFrom([version, json, lines]: RoomNow): KnownRoom | null {
  if (!version || !json) return null;
  const stored = JSON.parse(json) as StoredRoom;
  // A room written before revisions (or the loading view's start, startedFrom) existed starts without them.
  const { rev = 0, presenceRev = 0, startedFrom = null, chat = [], chatHistory = CHAT_HISTORY_DEFAULT } = stored.state as Partial<RoomState>;
  // Each line is JSON: one parse of them all as an array.
  const fromList = JSON.parse(`[${lines.join(',')}]`) as ChatLine[];
  // Lines in the JSON were written by a release before the list: the whole history of a room
  // stored then, or what a node of that release added beside this one during a rolling
  // upgrade (it reads the empty chat this one writes, and appends to it). They join the list's
  // lines, and the room's next write rewrites the list with them all.
  const state = { ...stored.state, rev, presenceRev, startedFrom, chat: mergeLines(fromList, chat, chatHistory) };
  return { version, stored: { ...stored, state }, listed: chat.length === 0 };
}

/** Member → node after the command: a joiner is on this node; members who left are dropped. */
function nodesAfter(
  stored: StoredRoom,
  state: RoomState,
  command: RoomCommand,
  actor: Actor,
  nodeId: string,
): Record<string, string> {
  const nodes: Record<string, string> = {};
  for (const m of state.members) {
    const node = command.type === 'member:join' && actor !== 'system' && actor.memberId === m.id ? nodeId : stored.nodes[m.id];
    if (node) nodes[m.id] = node;
  }
  return nodes;
}
