import { Module } from '@nestjs/common';

import { ServerClock } from '../clock/server-clock.js';
import { FileRoomPersistence, RoomPersistence } from '../store/room-persistence.js';
import { SyncService } from '../sync/sync.service.js';
import { Broadcaster } from './broadcaster.js';
import { MemoryRoomStore } from './memory-room.store.js';
import { RoomGateway } from './room.gateway.js';
import { RateLimitInterceptor } from '../common/rate-limit.interceptor.js';
import { RoomService } from './room.service.js';
import { RoomStore } from './room.store.js';
import { SocketBroadcaster } from './socket-broadcaster.js';

@Module({
  providers: [
    ServerClock,
    SyncService,
    RoomService,
    RoomGateway,
    RateLimitInterceptor,
    SocketBroadcaster,
    { provide: Broadcaster, useExisting: SocketBroadcaster },
    { provide: RoomStore, useClass: MemoryRoomStore },
    { provide: RoomPersistence, useClass: FileRoomPersistence },
  ],
  exports: [RoomService, RoomStore, RateLimitInterceptor, ServerClock],
})
export class RoomModule {}
