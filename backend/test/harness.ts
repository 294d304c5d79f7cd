import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { INestApplication } from '@nestjs/common';
import type { Ack, ClientToServerEvents, JoinResult, ServerEventPayload, ServerToClientEvents } from '@musync/protocol';
import { io, type Socket } from 'socket.io-client';

import {
  PRESENCE_GAP_MS,
  presenceView,
  receivePresence,
  relayBatches,
  resyncPresence,
  supersedes,
  type Presence,
  type PresenceDelta,
  type PresenceView,
  type RoomSnapshot,
  type Song,
} from '@musync/protocol';

import { createMusync } from '../src/bootstrap.js';
import { ConfigSchema } from '../src/config/config.js';
import { RoomService } from '../src/room/room.service.js';
import { snapshotOf } from '../src/room/room.state.js';
import { RoomStore } from '../src/room/room.store.js';

export type TestClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A real Musync app listening on a free loopback port, with its own DATA_DIR. */
export class RunningServer {
  private readonly clients: TestClient[] = [];

  private constructor(
    private readonly app: INestApplication,
    readonly url: string,
    private readonly dataDir: string,
  ) {}

  /**
   * Starts the app; `env` sets settings (e.g. ADMIN_GRACE_MS) for this server only.
   * Pass the `dataDir` of a stopped server (stopped with `keepData`) to restart it.
   */
  static async start(env: Record<string, string> = {}, dataDir?: string): Promise<RunningServer> {
    dataDir ??= await mkdtemp(join(tmpdir(), 'musync-test-'));
    // Each server starts from the defaults plus its own `env`, whatever ran before it.
    for (const key of Object.keys(ConfigSchema.shape)) Reflect.deleteProperty(process.env, key);
    Object.assign(process.env, { DATA_DIR: dataDir }, env);
    const app = await createMusync({ logger: false });
    await app.listen(0, '127.0.0.1');
    return new RunningServer(app, await app.getUrl(), dataDir);
  }

  /** A connected socket.io client (websocket only, no reconnection: tests drive it). */
  async connect(): Promise<TestClient> {
    const client = await connectClient(this.url);
    this.clients.push(client);
    return client;
  }

  /** Puts songs into a room the way an upload will (as the server). */
  async seed(roomId: string, songs: readonly Song[]): Promise<void> {
    const rooms = this.app.get(RoomService);
    for (const song of songs) await rooms.run(roomId, { type: 'playlist:add', song }, 'system');
  }

  /** Everything a member would see of the room, read from the store (null for a room never used). */
  async snapshot(roomId: string): Promise<RoomSnapshot | null> {
    const state = await this.app.get(RoomStore).get(roomId);
    return state && snapshotOf(state);
  }

  async stop({ keepData = false } = {}): Promise<string> {
    for (const client of this.clients) client.disconnect();
    await this.app.close();
    if (!keepData) await rm(this.dataDir, { recursive: true, force: true });
    return this.dataDir;
  }
}

/** A song as seeding puts it in a playlist (no file behind it). */
/**
 * A socket.io client of `url` as the SPA connects (websocket only; batches
 * unpacked as SocketClient does), resolved once connected.
 */
export async function connectClient(url: string, { reconnection = false } = {}): Promise<TestClient> {
  const client: TestClient = io(url, { transports: ['websocket'], reconnection, forceNew: true });
  relayBatches(client);
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

export function song(id: string, duration = 120, title = `Song ${id}`): Song {
  return { id, title, artist: null, album: null, duration, url: `/media/${id}`, coverUrl: null };
}

/** Emits an event with an ack and resolves with the ack (fails after `timeoutMs`, 2 s unless told). */
export function request<E extends keyof ClientToServerEvents>(
  client: TestClient,
  event: E,
  payload: unknown,
  timeoutMs = 2000,
): Promise<Ack<Record<string, unknown>>> {
  // The payload is deliberately untyped so tests can send anything a hostile client could.
  const emit = client.timeout(timeoutMs).emitWithAck as unknown as (e: E, p: unknown) => Promise<Ack<Record<string, unknown>>>;
  return emit.call(client.timeout(timeoutMs), event, payload);
}

/** Resolves with the next payload of `event` that satisfies `predicate`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: TestClient,
  event: E,
  predicate: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
  timeoutMs = 3000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener as never);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: Parameters<ServerToClientEvents[E]>[0]): void => {
      if (!predicate(payload)) return;
      clearTimeout(timer);
      client.off(event, listener as never);
      resolve(payload);
    };
    client.on(event, listener as never);
  });
}

/** A client that joined `roomId` as `username`, with the join ack's snapshot. */
export async function enter(
  server: RunningServer,
  username: string,
  { roomId = 'lobby', clientToken }: { roomId?: string; clientToken?: string } = {},
): Promise<{ client: TestClient; joined: JoinResult }> {
  const client = await server.connect();
  const ack = await request(client, 'room:join', { roomId, username, ...(clientToken ? { clientToken } : {}) });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code} ${ack.error.message}`);
  return { client, joined: ack as unknown as JoinResult };
}

/**
 * Records every `event` the client receives from now on. `stop()` waits `settleMs`
 * for stragglers (a broadcast to another socket has no ordering with our ack),
 * then returns what arrived.
 */
export function record<E extends keyof ServerToClientEvents>(
  client: TestClient,
  event: E,
): { stop(settleMs?: number): Promise<ServerEventPayload<E>[]> } {
  const seen: ServerEventPayload<E>[] = [];
  const listener = (payload: ServerEventPayload<E>): void => {
    seen.push(payload);
  };
  client.on(event, listener as never);
  return {
    async stop(settleMs = 250) {
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      client.off(event, listener as never);
      return seen;
    },
  };
}

/**
 * A client's presence as the SPA keeps it: the join snapshot, then every
 * presence delta applied in revision order (protocol `receivePresence`).
 * Made before the join (`begin` takes the snapshot), it also keeps the deltas
 * that overtake the join's answer, as the SPA does; made after, it starts at once.
 * A gap still open after PRESENCE_GAP_MS is closed with `room:snapshot`, as the SPA does.
 */
export class PresenceWatch {
  private view: PresenceView | null = null;
  private early: (() => void)[] = [];
  private readonly listeners = new Set<() => void>();
  private gap: NodeJS.Timeout | null = null;
  /** How many times it had to ask for a snapshot. */
  resyncs = 0;

  constructor(
    private readonly client: TestClient,
    snapshot?: RoomSnapshot,
  ) {
    const take = (delta: PresenceDelta): void => {
      this.show(receivePresence(this.view!, delta));
    };
    this.listen('presence:joined', (d) => take({ kind: 'joined', ...d }));
    this.listen('presence:left', (d) => take({ kind: 'left', ...d }));
    this.listen('presence:changed', (d) => take({ kind: 'changed', ...d }));
    if (snapshot) this.begin(snapshot);
  }

  /** Starts from the join snapshot, then takes what arrived before it. */
  begin(snapshot: RoomSnapshot): void {
    this.view = presenceView(snapshot.presence, snapshot.rev);
    this.started(snapshot);
    for (const take of this.early.splice(0)) take();
  }

  get presence(): Presence {
    return this.view!.presence;
  }

  get rev(): number {
    return this.view!.rev;
  }

  /** Presence deltas held for a missing one (a gap). */
  get pending(): number {
    return this.view!.pending.length;
  }

  /** Resolves with the presence once `predicate` holds (now or after a later delta). */
  until(predicate: (presence: Presence) => boolean, timeoutMs = 3000): Promise<Presence> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        if (!predicate(this.presence)) return false;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(this.presence);
        return true;
      };
      const listener = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`presence did not match within ${timeoutMs} ms`));
      }, timeoutMs);
      if (!check()) this.listeners.add(listener);
    });
  }

  private show(view: PresenceView): void {
    this.view = view;
    if (view.pending.length > 0 && this.gap === null) {
      this.gap = setTimeout(() => void this.resync(), PRESENCE_GAP_MS);
      this.gap.unref();
    }
    for (const listener of this.listeners) listener();
  }

  private async resync(): Promise<void> {
    this.gap = null;
    if (!this.client.connected || this.view!.pending.length === 0) return;
    this.resyncs += 1;
    const snapshot = await request(this.client, 'room:snapshot', {});
    if (snapshot.ok) this.show(resyncPresence(this.view!, snapshot['presence'] as Presence, snapshot['rev'] as number));
  }

  /** What a subclass takes from the snapshot (presence is taken by `begin`). */
  protected started(snapshot: RoomSnapshot): void {
    void snapshot;
  }

  /** Listens to a broadcast, holding it until the snapshot is in. */
  protected listen<E extends keyof ServerToClientEvents>(event: E, take: (payload: ServerEventPayload<E>) => void): void {
    const listener = (payload: ServerEventPayload<E>): void => {
      if (this.view) take(payload);
      else this.early.push(() => take(payload));
    };
    this.client.on(event, listener as never);
  }
}

/** The room parts sent whole, as a RoomMirror keeps them. */
export interface MirroredParts {
  playlist: RoomSnapshot['playlist'];
  settings: RoomSnapshot['settings'];
  requests: RoomSnapshot['requests'];
  skip: RoomSnapshot['skip'];
  copies: RoomSnapshot['copies'];
}

/**
 * The whole room as the SPA's RoomSession keeps it: presence by deltas, every
 * other part replaced only by a broadcast at least as new as what it has
 * (protocol `supersedes`), starting from the join snapshot.
 */
export class RoomMirror extends PresenceWatch {
  parts!: MirroredParts;
  private revs!: Record<keyof MirroredParts, number>;
  /** The newest revision any broadcast carried. */
  newest = -1;

  constructor(client: TestClient, snapshot?: RoomSnapshot) {
    super(client);
    const take = <K extends keyof MirroredParts>(part: K, value: MirroredParts[K], at: number): void => {
      this.newest = Math.max(this.newest, at);
      if (!supersedes(at, this.revs[part])) return;
      this.revs[part] = at;
      this.parts[part] = value;
    };
    this.listen('playlist:updated', ({ songs, rev: at }) => take('playlist', songs, at));
    this.listen('settings:updated', ({ rev: at, ...settings }) => take('settings', settings, at));
    this.listen('requests:updated', ({ requests, rev: at }) => take('requests', requests, at));
    this.listen('skip:updated', ({ rev: at, ...skip }) => take('skip', skip, at));
    this.listen('copies:updated', ({ copies, rev: at }) => take('copies', copies, at));
    for (const event of ['presence:joined', 'presence:left', 'presence:changed'] as const) {
      this.listen(event, ({ rev: at }) => (this.newest = Math.max(this.newest, at)));
    }
    if (snapshot) this.begin(snapshot);
  }

  protected override started({ playlist, settings, requests, skip, copies, rev }: RoomSnapshot): void {
    this.parts = { playlist, settings, requests, skip, copies };
    this.revs = { playlist: rev, settings: rev, requests: rev, skip: rev, copies: rev };
    this.newest = Math.max(this.newest, rev);
  }
}
