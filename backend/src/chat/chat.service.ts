import { Injectable } from '@nestjs/common';
import type { ChatLine } from '@musync/protocol';

import { RoomService, type MemberRef } from '../room/room.service.js';

/** Chat through the room reducer: the line joins the room's history and is broadcast as `chat:line`. */
@Injectable()
export class ChatService {
  constructor(private readonly rooms: RoomService) {}

  async send(who: MemberRef, text: string): Promise<ChatLine> {
    const state = await this.rooms.runAs(who, { type: 'chat:send', text });
    // chat:send appends exactly one line, so the room's last line is this one.
    const line = state.chat.at(-1);
    if (line?.kind !== 'message') throw new Error('chat:send left no message line');
    return line;
  }
}
