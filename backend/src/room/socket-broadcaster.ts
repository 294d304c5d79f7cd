import { Injectable, type OnModuleDestroy } from '@nestjs/common';

import { Broadcaster } from './broadcaster.js';
import { RoomBatcher, type RoomPacket } from './room-batcher.js';
import type { RoomEvent } from './room.state.js';
import type { MusyncServer } from './socket.types.js';

/**
 * Tells a room through Socket.IO (and, in scaled mode, its Redis adapter: a
 * batch crosses nodes as one message), coalescing what can wait (RoomBatcher).
 */
@Injectable()
export class SocketBroadcaster extends Broadcaster implements OnModuleDestroy {
  private server: MusyncServer | null = null;
  private readonly batcher = new RoomBatcher((roomId, packet) => this.emit(roomId, packet));

  attach(server: MusyncServer): void {
    this.server = server;
  }

  publish(roomId: string, events: readonly RoomEvent[]): Promise<void> {
    this.attached();
    return this.batcher.publish(roomId, events);
  }

  flush(): void {
    this.batcher.flushAll();
  }

  /** Nothing held is lost when the app closes (the Redis link closes after this). */
  onModuleDestroy(): void {
    this.flush();
  }

  private attached(): MusyncServer {
    if (!this.server) throw new Error('Broadcaster used before the gateway started');
    return this.server;
  }

  private emit(roomId: string, packet: RoomPacket): void {
    const room = this.attached().to(roomId);
    // RoomPacket pairs each name with its payload type; TypeScript cannot follow that
    // correlation through a union, so the pair is emitted through a widened signature.
    const emit = room.emit.bind(room) as (name: RoomPacket['name'], payload: RoomPacket['payload']) => boolean;
    emit(packet.name, packet.payload);
  }
}
