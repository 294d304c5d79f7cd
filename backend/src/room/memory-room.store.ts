import { Injectable } from '@nestjs/common';

import { ServerClock } from '../clock/server-clock.js';
import { RoomStore } from './room.store.js';
import { apply, emptyRoom, type Actor, type RoomCommand, type RoomResult, type RoomState } from './room.state.js';

/**
 * The embedded store: rooms in this process's memory. The reducer runs
 * synchronously, so each command is atomic by construction.
 */
@Injectable()
export class MemoryRoomStore extends RoomStore {
  private readonly rooms = new Map<string, RoomState>();

  constructor(private readonly clock: ServerClock) {
    super();
  }

  apply(roomId: string, command: RoomCommand, actor: Actor): Promise<RoomResult> {
    try {
      const result = apply(this.rooms.get(roomId) ?? emptyRoom(roomId), command, actor, this.clock.now());
      // A room with nobody and nothing in it is forgotten.
      if (result.state.members.length === 0 && result.state.playlist.length === 0) this.rooms.delete(roomId);
      else this.rooms.set(roomId, result.state);
      return Promise.resolve(result);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  get(roomId: string): Promise<RoomState | null> {
    return Promise.resolve(this.rooms.get(roomId) ?? null);
  }
}
