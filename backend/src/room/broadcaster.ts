import type { RoomEvent } from './room.state.js';

/**
 * How services reach the people in a room without knowing about sockets.
 * The gateway module provides the Socket.IO implementation.
 */
export abstract class Broadcaster {
  /** Tells the room one change's broadcasts, in order (some may be held a few ms to share a packet). */
  abstract publish(roomId: string, events: readonly RoomEvent[]): void;
  /** Sends everything held now. */
  abstract flush(): void;
}
