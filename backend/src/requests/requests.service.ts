import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import type { RequestCreate, RequestResult } from '@musync/protocol';

import { RoomService, type MemberRef } from '../room/room.service.js';
import type { RequestsCommand } from '../room/requests.rules.js';

/** Song requests through the room reducer (the rules are in requests.rules.ts); each answer is the request as it is now. */
@Injectable()
export class RequestsService {
  constructor(private readonly rooms: RoomService) {}

  create(who: MemberRef, ask: RequestCreate): Promise<RequestResult> {
    const { title, artist = null, note = null } = ask;
    return this.act(who, { type: 'requests:create', requestId: randomUUID(), title, artist, note });
  }

  vote(who: MemberRef, requestId: string): Promise<RequestResult> {
    return this.act(who, { type: 'requests:vote', requestId });
  }

  withdraw(who: MemberRef, requestId: string): Promise<RequestResult> {
    return this.act(who, { type: 'requests:withdraw', requestId });
  }

  approve(who: MemberRef, requestId: string, note: string | undefined): Promise<RequestResult> {
    return this.act(who, { type: 'requests:approve', requestId, note: note ?? null });
  }

  reject(who: MemberRef, requestId: string, reason: string | undefined): Promise<RequestResult> {
    return this.act(who, { type: 'requests:reject', requestId, reason: reason ?? null });
  }

  fulfil(who: MemberRef, requestId: string, songId: string): Promise<RequestResult> {
    return this.act(who, { type: 'requests:fulfil', requestId, songId });
  }

  private async act(who: MemberRef, command: RequestsCommand): Promise<RequestResult> {
    const state = await this.rooms.runAs(who, command);
    const request = state.requests.find((r) => r.id === command.requestId);
    if (!request) throw new Error(`request ${command.requestId} is gone after ${command.type}`);
    return { request };
  }
}
