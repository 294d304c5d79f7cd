import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LEAD_FLOOR_MS } from '@musync/protocol';

import { RoomService } from '../room/room.service.js';
import { RoomStore } from '../room/room.store.js';
import { keys, RedisRoomStore } from '../store/redis-room.store.js';
import { RedisLink } from './redis-link.js';

/** How often a node says it is alive, and how long that lasts without a renewal. */
export const HEARTBEAT_MS = 2_000;
export const HEARTBEAT_TTL_MS = 6_000;
/** How often every live node looks for dead ones. */
export const SWEEP_MS = 2_000;
/**
 * The bound: a crashed node's members are gone and the admin re-elected at most
 * HEARTBEAT_TTL_MS + SWEEP_MS (8 s) after its last heartbeat, plus the sweep's own few commands.
 */

const NODES = 'musync:nodes';
const alive = (nodeId: string) => `musync:node:${nodeId}:alive`;

/**
 * Scaled mode: presence across nodes. Each node renews a heartbeat key with a
 * TTL; every node sweeps the nodes whose key expired, making each of their
 * members leave through the reducer's own `member:leave` (so admin election
 * stays the one rule). Two nodes sweeping the same dead node is harmless: a
 * member already gone is NOT_JOINED and changes nothing.
 */
@Injectable()
export class NodePresence implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(NodePresence.name);
  private readonly timers: NodeJS.Timeout[] = [];
  /** When this node last reconnected to Redis after losing it (see `sweep`); its first connection does not count. */
  private reconnectedAt = -Infinity;

  constructor(
    private readonly link: RedisLink,
    private readonly store: RoomStore,
    private readonly rooms: RoomService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.link.client) return;
    // Ready fires once per connection; every one after the first is a reconnection.
    let connections = this.link.client.status === 'ready' ? 1 : 0;
    this.link.client.on('ready', () => {
      if (connections++ === 0) return;
      this.reconnectedAt = performance.now();
      void this.beat().catch(() => undefined);
    });
    await this.beat().catch(() => undefined);
    this.every(HEARTBEAT_MS, () => this.beat());
    this.every(SWEEP_MS, () => this.sweep());
  }

  /**
   * A node stopping on purpose (a deploy) says so at once: the other nodes sweep
   * whatever members its closing sockets could not take out themselves within
   * one sweep period, not after the heartbeat's TTL.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopTimers();
    // Not while Redis is away: the command would hold the shutdown in ioredis's queue; the TTL covers it.
    if (this.link.client?.status === 'ready') await this.link.client.del(alive(this.link.nodeId)).catch(() => undefined);
  }

  onApplicationShutdown(): void {
    this.stopTimers();
  }

  private stopTimers(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
  }

  private every(ms: number, task: () => Promise<void>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error: unknown) => this.logger.warn(`presence: ${(error as Error).message}`))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async beat(): Promise<void> {
    const redis = this.link.required();
    await redis.multi().set(alive(this.link.nodeId), '1', 'PX', HEARTBEAT_TTL_MS).sadd(NODES, this.link.nodeId).exec();
  }

  private async sweep(): Promise<void> {
    // After Redis was away (restarted), every heartbeat may have expired meanwhile:
    // sweep only once the live nodes have had a full TTL to beat again.
    if (performance.now() - this.reconnectedAt < HEARTBEAT_TTL_MS) return;
    // A sweep caught by an outage resumes with answers queued from before it: drop it.
    const since = this.reconnectedAt;
    const outdated = (): boolean => this.reconnectedAt !== since;
    const redis = this.link.required();
    const store = this.store as RedisRoomStore;
    for (const nodeId of await redis.smembers(NODES)) {
      if (nodeId === this.link.nodeId || (await redis.exists(alive(nodeId))) === 1) continue;
      if (outdated()) return;
      for (const roomId of await redis.smembers(keys.nodeRooms(nodeId))) {
        for (const memberId of await store.membersOn(roomId, nodeId)) {
          if (outdated()) return;
          // Grace 0: the chair's grace ran out while the node went undetected; its people rejoin as new members.
          await this.rooms.leave(roomId, memberId, 0).catch(() => undefined);
        }
        // Its members' round trips no longer count toward the room's lead.
        await this.rooms.run(roomId, { type: 'sync:lead', leadMs: LEAD_FLOOR_MS, source: nodeId }, 'system');
        // Its last broadcasts may never have left it: a presence delta now lets anyone who missed one resync.
        await this.rooms.run(roomId, { type: 'presence:announce' }, 'system');
      }
      await redis.multi().del(keys.nodeRooms(nodeId)).srem(NODES, nodeId).exec();
      this.logger.log(`node ${nodeId} stopped answering: its members left`);
    }
  }
}
