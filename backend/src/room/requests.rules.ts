import {
  ErrorCode,
  REQUESTS_KEPT,
  REQUESTS_PENDING_PER_PERSON,
  sortRequests,
  type ChatNotice,
  type SongRequest,
} from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { withNotice } from './chat.rules.js';
import { requireAdmin, requireMember, type RoomResult, type RoomState, type Rules } from './room.state.js';

export type RequestsCommand =
  /** `requestId`: a fresh id from the service. */
  | {
      readonly type: 'requests:create';
      readonly requestId: string;
      readonly title: string;
      readonly artist: string | null;
      readonly note: string | null;
    }
  | { readonly type: 'requests:vote'; readonly requestId: string }
  | { readonly type: 'requests:withdraw'; readonly requestId: string }
  | { readonly type: 'requests:approve'; readonly requestId: string; readonly note: string | null }
  | { readonly type: 'requests:reject'; readonly requestId: string; readonly reason: string | null }
  | { readonly type: 'requests:fulfil'; readonly requestId: string; readonly songId: string };

/**
 * Song requests. Anyone present (the admin too) asks; anyone but the requester
 * +1s a pending request, once per person; the requester may withdraw it while it
 * is pending. The admin approves or rejects a pending request, and fulfils a
 * pending or approved one with a song in the playlist.
 */
export const requestsRules: Rules<RequestsCommand> = {
  'requests:create': (state, command, actor, now) => {
    const member = requireMember(state, actor);
    const pending = state.requests.filter((r) => r.status === 'pending');
    if (pending.filter((r) => r.requesterId === member.personId).length >= REQUESTS_PENDING_PER_PERSON) {
      throw new DomainError(
        ErrorCode.TOO_MANY_REQUESTS,
        `You have ${REQUESTS_PENDING_PER_PERSON} requests waiting already; wait for an answer or withdraw one.`,
      );
    }
    if (pending.length >= REQUESTS_KEPT) {
      throw new DomainError(
        ErrorCode.TOO_MANY_REQUESTS,
        'The room has as many open requests as it keeps; wait for some answers.',
      );
    }
    const request: SongRequest = {
      id: command.requestId,
      title: command.title,
      artist: command.artist,
      note: command.note,
      requesterId: member.personId,
      requester: member.name,
      at: now,
      status: 'pending',
      voterIds: [],
      answer: null,
      decidedAt: null,
      songId: null,
    };
    return withRequests(state, keepWithinLimit([...state.requests, request]));
  },

  'requests:vote': (state, command, actor) => {
    const member = requireMember(state, actor);
    const request = pendingRequest(state, command.requestId);
    if (request.requesterId === member.personId) {
      throw new DomainError(ErrorCode.ALREADY_VOTED, 'Your own request counts already.');
    }
    if (request.voterIds.includes(member.personId)) {
      throw new DomainError(ErrorCode.ALREADY_VOTED, 'You already voted for this request.');
    }
    return withRequests(state, replace(state, { ...request, voterIds: [...request.voterIds, member.personId] }));
  },

  'requests:withdraw': (state, command, actor, now) => {
    const member = requireMember(state, actor);
    const request = findRequest(state, command.requestId);
    if (request.requesterId !== member.personId) {
      throw new DomainError(ErrorCode.NOT_REQUESTER, 'Only the person who asked can withdraw a request.');
    }
    requirePending(request);
    return withRequests(state, replace(state, { ...request, status: 'withdrawn', decidedAt: now }));
  },

  'requests:approve': (state, command, actor, now) => {
    requireAdmin(state, actor, 'approve requests');
    const request = pendingRequest(state, command.requestId);
    const notice = { type: 'request-approved', title: request.title, note: command.note } as const;
    return decide(state, { ...request, status: 'approved', answer: command.note }, notice, now);
  },

  'requests:reject': (state, command, actor, now) => {
    requireAdmin(state, actor, 'reject requests');
    const request = pendingRequest(state, command.requestId);
    const notice = { type: 'request-rejected', title: request.title, reason: command.reason } as const;
    return decide(state, { ...request, status: 'rejected', answer: command.reason }, notice, now);
  },

  'requests:fulfil': (state, command, actor, now) => {
    requireAdmin(state, actor, 'fulfil requests');
    const request = findRequest(state, command.requestId);
    // Approving first is optional: uploading the song is the clearest yes.
    if (request.status !== 'pending' && request.status !== 'approved') {
      throw new DomainError(
        ErrorCode.REQUEST_DECIDED,
        `This request is ${request.status}; only an open one can be fulfilled.`,
      );
    }
    if (!state.playlist.some((s) => s.id === command.songId)) {
      throw new DomainError(ErrorCode.SONG_NOT_FOUND, 'That song is not in the playlist.');
    }
    const notice = { type: 'request-fulfilled', title: request.title } as const;
    return decide(state, { ...request, status: 'fulfilled', songId: command.songId }, notice, now);
  },
};

/** The admin's answer: the request as decided now, and its notice in the chat. */
function decide(state: RoomState, request: SongRequest, notice: ChatNotice, now: number): RoomResult {
  return withNotice(withRequests(state, replace(state, { ...request, decidedAt: now })), notice, now);
}

function findRequest(state: RoomState, requestId: string): SongRequest {
  const request = state.requests.find((r) => r.id === requestId);
  if (!request) throw new DomainError(ErrorCode.REQUEST_NOT_FOUND, 'There is no such request in this room.');
  return request;
}

function pendingRequest(state: RoomState, requestId: string): SongRequest {
  const request = findRequest(state, requestId);
  requirePending(request);
  return request;
}

function requirePending(request: SongRequest): void {
  if (request.status !== 'pending') {
    throw new DomainError(ErrorCode.REQUEST_DECIDED, `This request is ${request.status} already.`);
  }
}

function replace(state: RoomState, request: SongRequest): SongRequest[] {
  return state.requests.map((r) => (r.id === request.id ? request : r));
}

/** Over REQUESTS_KEPT, the longest-decided requests go; pending ones always stay (their number is capped at creation). */
function keepWithinLimit(requests: SongRequest[]): SongRequest[] {
  const excess = requests.length - REQUESTS_KEPT;
  if (excess <= 0) return requests;
  const decidedAt = (r: SongRequest): number => r.decidedAt ?? r.at;
  const oldest = requests
    .filter((r) => r.status !== 'pending')
    .sort((a, b) => decidedAt(a) - decidedAt(b))
    .slice(0, excess);
  const dropped = new Set(oldest.map((r) => r.id));
  return requests.filter((r) => !dropped.has(r.id));
}

function withRequests(state: RoomState, requests: readonly SongRequest[]): RoomResult {
  return {
    state: { ...state, requests },
    events: [{ name: 'requests:updated', payload: { requests: sortRequests(requests) } }],
    wakeups: [],
  };
}
