import { Module } from '@nestjs/common';

import { ServerClock } from '../clock/server-clock.js';
import { ClusterClock } from '../cluster/cluster-clock.js';
import { NodePresence } from '../cluster/node-presence.js';
import { RedisLink } from '../cluster/redis-link.js';
import { RedisWakeupLedger } from '../cluster/redis-wakeup-ledger.js';
import { AppConfig } from '../config/config.module.js';
import { RedisRoomStore } from '../store/redis-room.store.js';
import { FileRoomPersistence, RoomPersistence } from '../store/room-persistence.js';
import { PingResponder } from '../sync/ping-responder.js';
import { SyncService } from '../sync/sync.service.js';
import { Broadcaster } from './broadcaster.js';
import { MemoryRoomStore } from './memory-room.store.js';
import { RoomGateway } from './room.gateway.js';
import { GuessLimitInterceptor } from '../common/guess-limit.interceptor.js';
import { RateLimitInterceptor } from '../common/rate-limit.interceptor.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { RoomService } from './room.service.js';
import { RoomStore } from './room.store.js';
import { SocketBroadcaster } from './socket-broadcaster.js';
import { LocalWakeupLedger, WakeupLedger } from './wakeup-ledger.js';

@Module({
  providers: [
    { provide: ServerClock, inject: [AppConfig], useFactory: (c: AppConfig) => new ServerClock(c.TEST_CLOCK_SKEW_MS) },
    { provide: RedisLink, inject: [AppConfig], useFactory: (c: AppConfig) => new RedisLink(c.REDIS_URL) },
    SyncService,
    PingResponder,
    RoomService,
    RoomGateway,
    RateLimiter,
    RateLimitInterceptor,
    GuessLimitInterceptor,
    SocketBroadcaster,
    ClusterClock,
    NodePresence,
    { provide: Broadcaster, useExisting: SocketBroadcaster },
    // REDIS_URL picks the store: Redis (scaled mode) or this process's memory (embedded).
    {
      provide: RoomStore,
      inject: [ServerClock, FileRoomPersistence, AppConfig, RedisLink],
      useFactory: (clock: ServerClock, persistence: FileRoomPersistence, config: AppConfig, link: RedisLink): RoomStore =>
        link.client
          ? new RedisRoomStore(clock, persistence, config, link)
          : new MemoryRoomStore(clock, persistence, config, persistence.journalDir),
    },
    {
      provide: WakeupLedger,
      inject: [RedisLink, ServerClock],
      useFactory: (link: RedisLink, clock: ServerClock): WakeupLedger =>
        link.client ? new RedisWakeupLedger(link.client, clock) : new LocalWakeupLedger(),
    },
    FileRoomPersistence,
    { provide: RoomPersistence, useExisting: FileRoomPersistence },
  ],
  exports: [RoomService, RoomStore, RateLimiter, RateLimitInterceptor, ServerClock, RedisLink],
})
export class RoomModule {}
