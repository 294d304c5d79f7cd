import { ErrorCode, type Member, type Presence, type ServerEventName, type ServerEventPayload } from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';

/**
 * The room as one pure reducer: every rule about who may do what and what
 * happens next lives here, decided from (state, command, actor, now) alone.
 */

export interface RoomState {
  readonly roomId: string;
  /** In join order: the first is the longest present. */
  readonly members: readonly Member[];
  readonly adminId: string | null;
}

export type RoomCommand =
  | { readonly type: 'member:join'; readonly name: string }
  | { readonly type: 'member:leave' };

/** Who issued a command: a member, or the server itself (timers, cleanup). */
export type Actor = { readonly memberId: string } | 'system';

/** A broadcast the command caused, typed by the wire's event map. */
export type RoomEvent = {
  [E in ServerEventName]: { readonly name: E; readonly payload: ServerEventPayload<E> };
}[ServerEventName];

export interface RoomResult {
  readonly state: RoomState;
  readonly events: readonly RoomEvent[];
}

export function emptyRoom(roomId: string): RoomState {
  return { roomId, members: [], adminId: null };
}

export function presenceOf(state: RoomState): Presence {
  return { roomId: state.roomId, members: state.members, adminId: state.adminId };
}

export function apply(state: RoomState, command: RoomCommand, actor: Actor, now: number): RoomResult {
  switch (command.type) {
    case 'member:join':
      return join(state, memberIdOf(actor), command.name, now);
    case 'member:leave':
      return leave(state, memberIdOf(actor));
  }
}

function join(state: RoomState, memberId: string, name: string, now: number): RoomResult {
  if (state.members.some((m) => m.id === memberId)) {
    throw new DomainError(ErrorCode.ALREADY_JOINED, 'You are already in this room.');
  }
  const members = [...state.members, { id: memberId, name, joinedAt: now }];
  // The first member is admin; so is whoever arrives in a room left without one.
  const adminId = state.adminId ?? memberId;
  return withPresence({ ...state, members, adminId });
}

function leave(state: RoomState, memberId: string): RoomResult {
  if (!state.members.some((m) => m.id === memberId)) {
    throw new DomainError(ErrorCode.NOT_JOINED, 'You are not in this room.');
  }
  const members = state.members.filter((m) => m.id !== memberId);
  // The admin's chair goes to the longest-present member.
  const adminId = state.adminId === memberId ? (members[0]?.id ?? null) : state.adminId;
  return withPresence({ ...state, members, adminId });
}

function withPresence(state: RoomState): RoomResult {
  return { state, events: [{ name: 'presence:updated', payload: presenceOf(state) }] };
}

function memberIdOf(actor: Actor): string {
  if (actor === 'system') throw new DomainError(ErrorCode.INTERNAL, 'This command needs a member.');
  return actor.memberId;
}
