import type { RoomEvent } from './room.state.js';

/**
 * How services reach the people in a room without knowing about sockets.
 * The gateway module provides the Socket.IO implementation.
 */
export abstract class Broadcaster {
  abstract publish(roomId: string, events: readonly RoomEvent[]): void;
}
