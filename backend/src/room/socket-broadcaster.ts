import { Injectable } from '@nestjs/common';

import { Broadcaster } from './broadcaster.js';
import type { RoomEvent } from './room.state.js';
import type { MusyncServer } from './socket.types.js';

@Injectable()
export class SocketBroadcaster extends Broadcaster {
  private server: MusyncServer | null = null;

  attach(server: MusyncServer): void {
    this.server = server;
  }

  publish(roomId: string, events: readonly RoomEvent[]): void {
    if (!this.server) throw new Error('Broadcaster used before the gateway started');
    const room = this.server.to(roomId);
    // RoomEvent pairs each name with its payload type; TypeScript cannot follow that
    // correlation through a union, so the pair is emitted through a widened signature.
    const emit = room.emit.bind(room) as (name: RoomEvent['name'], payload: RoomEvent['payload']) => boolean;
    for (const event of events) emit(event.name, event.payload);
  }
}
