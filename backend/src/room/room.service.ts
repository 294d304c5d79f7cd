import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { JoinResult } from '@musync/protocol';

import { Broadcaster } from './broadcaster.js';
import { RoomStore } from './room.store.js';
import { presenceOf } from './room.state.js';

/** Runs room commands through the store and tells the room what changed. */
@Injectable()
export class RoomService {
  constructor(
    private readonly store: RoomStore,
    private readonly broadcaster: Broadcaster,
  ) {}

  async join(roomId: string, name: string): Promise<JoinResult> {
    const memberId = randomUUID();
    const { state, events } = await this.store.apply(roomId, { type: 'member:join', name }, { memberId });
    this.broadcaster.publish(roomId, events);
    return { memberId, presence: presenceOf(state) };
  }

  async leave(roomId: string, memberId: string): Promise<void> {
    const { events } = await this.store.apply(roomId, { type: 'member:leave' }, { memberId });
    this.broadcaster.publish(roomId, events);
  }
}
