import {
  ErrorCode,
  LEAD_FLOOR_MS,
  type Playback,
  type Presence,
  type RoomSettings,
  type RoomSnapshot,
  type ServerEventName,
  type ServerEventPayload,
  type Song,
} from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { playbackRules, type PlaybackCommand } from './playback.rules.js';
import { playlistRules, type PlaylistCommand } from './playlist.rules.js';
import { presenceRules, type PresenceCommand } from './presence.rules.js';

/**
 * The room as one pure reducer: every rule about who may do what and what
 * happens next lives in the *.rules.ts files beside this one, decided from
 * (state, command, actor, now) alone. Stores apply it atomically per room;
 * services run the wakeups it asks for.
 */

export interface MemberState {
  readonly id: string;
  readonly name: string;
  /** Server time the member joined; the longest-present member is promoted. */
  readonly joinedAt: number;
  /** The browser's token: lets an admin who reloads keep the chair. Never broadcast. */
  readonly token: string | null;
}

/** An admin who left recently and may come back (same token) before `until`. */
export interface AdminVacancy {
  readonly token: string;
  readonly until: number;
}

export interface RoomState {
  readonly roomId: string;
  /** In join order: the first is the longest present. */
  readonly members: readonly MemberState[];
  readonly adminId: string | null;
  readonly vacancy: AdminVacancy | null;
  readonly playlist: readonly Song[];
  readonly playback: Playback;
  /** Members who reported the current song loaded (the ready barrier). */
  readonly readyIds: readonly string[];
  readonly settings: RoomSettings;
  /** How far ahead changes are scheduled (ms); kept up to date by SyncService from measured delays. */
  readonly leadMs: number;
}

export type RoomCommand = PresenceCommand | PlaybackCommand | PlaylistCommand;

/** Who issued a command: a member, or the server itself (timers, seeding). */
export type Actor = { readonly memberId: string } | 'system';

/** A broadcast the command caused, typed by the wire's event map. */
export type RoomEvent = {
  [E in ServerEventName]: { readonly name: E; readonly payload: ServerEventPayload<E> };
}[ServerEventName];

/** A command the server must apply as 'system' at server time `at` (idempotent by construction). */
export interface Wakeup {
  readonly at: number;
  readonly command: RoomCommand;
}

export interface RoomResult {
  readonly state: RoomState;
  readonly events: readonly RoomEvent[];
  readonly wakeups: readonly Wakeup[];
}

export function emptyRoom(roomId: string): RoomState {
  return {
    roomId,
    members: [],
    adminId: null,
    vacancy: null,
    playlist: [],
    playback: { songId: null, status: 'paused', position: 0, anchor: 0, version: 0 },
    readyIds: [],
    settings: { control: 'everyone' },
    leadMs: LEAD_FLOOR_MS,
  };
}

export function apply(state: RoomState, command: RoomCommand, actor: Actor, now: number): RoomResult {
  const rule =
    presenceRules[command.type as PresenceCommand['type']] ??
    playbackRules[command.type as PlaybackCommand['type']] ??
    playlistRules[command.type as PlaylistCommand['type']];
  return (rule as Rule<RoomCommand>)(state, command, actor, now);
}

export type Rule<C extends RoomCommand> = (state: RoomState, command: C, actor: Actor, now: number) => RoomResult;
export type Rules<C extends RoomCommand> = { readonly [T in C['type']]: Rule<Extract<C, { type: T }>> };

// ---- helpers shared by the rule files ----

export function presenceOf(state: RoomState): Presence {
  return {
    roomId: state.roomId,
    members: state.members.map(({ id, name, joinedAt }) => ({ id, name, joinedAt })),
    adminId: state.adminId,
  };
}

export function snapshotOf(state: RoomState): RoomSnapshot {
  return { presence: presenceOf(state), playlist: state.playlist, playback: state.playback, settings: state.settings };
}

export function unchanged(state: RoomState): RoomResult {
  return { state, events: [], wakeups: [] };
}

export function memberIdOf(actor: Actor): string {
  if (actor === 'system') throw new DomainError(ErrorCode.INTERNAL, 'This command needs a member.');
  return actor.memberId;
}

/** The acting member, who must be in the room. */
export function requireMember(state: RoomState, actor: Actor): MemberState {
  const id = memberIdOf(actor);
  const member = state.members.find((m) => m.id === id);
  if (!member) throw new DomainError(ErrorCode.NOT_JOINED, 'You are not in this room.');
  return member;
}

/** Admin-only actions: the system (seeding, timers) may always act. */
export function requireAdmin(state: RoomState, actor: Actor, what: string): void {
  if (actor === 'system') return;
  requireMember(state, actor);
  if (state.adminId !== actor.memberId) throw new DomainError(ErrorCode.NOT_ADMIN, `Only the admin can ${what}.`);
}

/** Server-internal commands (timers, measured lead): no client may issue them. */
export function requireSystem(actor: Actor, what: string): void {
  if (actor !== 'system') throw new DomainError(ErrorCode.FORBIDDEN, `Only the server can ${what}.`);
}
