import type { RoomEvent } from './room.state.js';

/**
 * How services reach the people in a room without knowing about sockets.
 * The gateway module provides the Socket.IO implementation.
 */
export abstract class Broadcaster {
  /**
   * Tells the room one change's broadcasts, in order; they may be held a few ms
   * to share a packet. Resolves once they are sent.
   */
  abstract publish(roomId: string, events: readonly RoomEvent[]): Promise<void>;
  /** Sends everything held now. */
  abstract flush(): void;
}
