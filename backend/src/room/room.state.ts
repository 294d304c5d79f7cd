import {
  CHAT_HISTORY_DEFAULT,
  ErrorCode,
  LEAD_FLOOR_MS,
  sortRequests,
  type ChatLine,
  type Playback,
  type Presence,
  type RoomSettings,
  type RoomSnapshot,
  type RoomEventName,
  type ServerEventPayload,
  type Song,
  type SongRequest,
} from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import type { SealedSecret } from './secret.js';
import { chatRules, type ChatCommand } from './chat.rules.js';
import { copiesOf, localSongsRules, settleCopies, type LocalSongsCommand } from './local-songs.rules.js';
import { playbackRules, type PlaybackCommand } from './playback.rules.js';
import { playlistRules, type PlaylistCommand } from './playlist.rules.js';
import { announceAdmin, presenceRules, type PresenceCommand } from './presence.rules.js';
import { requestsRules, type RequestsCommand } from './requests.rules.js';
import { settleSkip, skipRules, skipVotesOf, type SkipCommand } from './skip.rules.js';

/**
 * The room as one pure reducer: every rule about who may do what and what
 * happens next lives in the *.rules.ts files beside this one, decided from
 * (state, command, actor, now) alone. Stores apply it atomically per room;
 * services run the wakeups it asks for.
 */

export interface MemberState {
  readonly id: string;
  /** The person behind the connection (see Member.personId): votes, requests and chat are theirs. */
  readonly personId: string;
  /** Unique in the room (case-insensitively) among other people's members. */
  readonly name: string;
  /** Server time the member joined; the longest-present member is promoted. */
  readonly joinedAt: number;
  /** The browser's token: lets an admin who reloads keep the chair. Never broadcast. */
  readonly token: string | null;
  /**
   * May hold the chair: everyone under the first-come rule; with an admin
   * password, only a member who proved it (or the admin back within the grace).
   */
  readonly eligible: boolean;
}

/** Who may become admin: the first-come rule, or only a member who proved the server's ADMIN_PASSWORD. */
export type AdminRule = 'first-come' | 'password';

/** The room's settings as kept; the wire's RoomSettings adds `hasPasscode` (settingsOf). */
export type SettingsState = Omit<RoomSettings, 'hasPasscode'>;

/** An admin who left recently and may come back (same token) before `until`. */
export interface AdminVacancy {
  readonly token: string;
  readonly personId: string;
  readonly until: number;
}

export interface RoomState {
  readonly roomId: string;
  /** The room's revision: bumped by every applied change, carried by every broadcast (see the protocol's revision.ts). */
  readonly rev: number;
  /** The revision of the last presence change: the `since` of the next presence delta. */
  readonly presenceRev: number;
  /** In join order: the first is the longest present. */
  readonly members: readonly MemberState[];
  readonly adminId: string | null;
  readonly vacancy: AdminVacancy | null;
  readonly playlist: readonly Song[];
  readonly playback: Playback;
  /**
   * The version of the loading view that the current song's start replaced, until playback
   * changes again: a command made on that view still counts (see checkVersion in playback.rules.ts).
   */
  readonly startedFrom: number | null;
  /** Members who reported the current song loaded (the ready barrier). */
  readonly readyIds: readonly string[];
  readonly settings: SettingsState;
  /** The passcode joiners must give, sealed; null: anyone may join. Never broadcast. */
  readonly passcode: SealedSecret | null;
  /** How far ahead changes are scheduled (ms); kept up to date by SyncService from measured delays. */
  readonly leadMs: number;
  /** The lead each node asked for (only those above the floor); `leadMs` is the largest. */
  readonly leads: Readonly<Record<string, number>>;
  /** The recent chat, oldest first, at most `chatHistory` lines. */
  readonly chat: readonly ChatLine[];
  /** The number of the room's latest chat line; line ids count up from it. */
  readonly lineSeq: number;
  /** Chat lines the room keeps (the server's CHAT_HISTORY, set when the room is created or restored). */
  readonly chatHistory: number;
  /** Song requests in the order they were made (broadcast in `sortRequests` order). */
  readonly requests: readonly SongRequest[];
  /** Person ids who voted to skip the song on; every song change clears them. */
  readonly skipVotes: readonly string[];
  /** Member id → the fingerprints of the own-copy files its browser holds (its last `copies:report`). */
  readonly copyHolders: Readonly<Record<string, readonly string[]>>;
}

export type RoomCommand =
  | PresenceCommand
  | PlaybackCommand
  | PlaylistCommand
  | ChatCommand
  | RequestsCommand
  | SkipCommand
  | LocalSongsCommand;

/** Who issued a command: a member, or the server itself (timers, seeding). */
export type Actor = { readonly memberId: string } | 'system';

/** A broadcast the command caused, typed by the wire's event map. */
export type RoomEvent = {
  [E in RoomEventName]: { readonly name: E; readonly payload: ServerEventPayload<E> };
}[RoomEventName];

/** What `apply` stamps on every broadcast, so the rules never deal with it. */
type Stamp = 'rev' | 'since';
type Unstamped<P> = P extends unknown ? Omit<P, Stamp> : never;

/** A broadcast as a rule writes it: the payload without the revision `apply` stamps on. */
export type RoomEventDraft = {
  [E in RoomEventName]: { readonly name: E; readonly payload: Unstamped<ServerEventPayload<E>> };
}[RoomEventName];

/** A command the server must apply as 'system' at server time `at` (idempotent by construction). */
export interface Wakeup {
  readonly at: number;
  readonly command: RoomCommand;
}

/** What a rule returns. */
export interface RoomResult {
  readonly state: RoomState;
  readonly events: readonly RoomEventDraft[];
  readonly wakeups: readonly Wakeup[];
}

/** What `apply` returns: the broadcasts stamped with the new revision. */
export interface AppliedResult {
  readonly state: RoomState;
  readonly events: readonly RoomEvent[];
  readonly wakeups: readonly Wakeup[];
}

export function emptyRoom(roomId: string, chatHistory = CHAT_HISTORY_DEFAULT): RoomState {
  return {
    roomId,
    rev: 0,
    presenceRev: 0,
    members: [],
    adminId: null,
    vacancy: null,
    playlist: [],
    playback: { songId: null, status: 'paused', position: 0, anchor: 0, version: 0 },
    startedFrom: null,
    readyIds: [],
    settings: { control: 'everyone', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false },
    passcode: null,
    leadMs: LEAD_FLOOR_MS,
    leads: {},
    chat: [],
    lineSeq: 0,
    chatHistory,
    requests: [],
    skipVotes: [],
    copyHolders: {},
  };
}

// Gathered on first use: the rule files import this module, so they may still be
// loading when it is evaluated.
let rules: Rules<RoomCommand> | undefined;

export function apply(state: RoomState, command: RoomCommand, actor: Actor, now: number): AppliedResult {
  rules ??= {
    ...presenceRules,
    ...playbackRules,
    ...playlistRules,
    ...chatRules,
    ...requestsRules,
    ...skipRules,
    ...localSongsRules,
  };
  const rule = rules[command.type] as Rule<RoomCommand>;
  const result = rule(state, command, actor, now);
  // Consequences of any change, each decided here once: who holds which own copy is
  // re-counted (people left, songs came and went), a new admin is announced, and the
  // vote to skip is re-counted (people left, the threshold moved, a vote came).
  return revise(state, settleSkip(state, announceAdmin(state, settleCopies(state, result, now), now), now));
}

/**
 * One revision per applied change: a command that changed the room (or told it
 * something) bumps `rev`, and every broadcast it causes carries that `rev`;
 * presence deltas also carry `since`, the revision of the presence change before.
 */
function revise(before: RoomState, result: RoomResult): AppliedResult {
  if (result.state === before && result.events.length === 0) return { ...result, events: [] };
  const rev = before.rev + 1;
  const presence = result.events.some((e) => e.name.startsWith('presence:'));
  const state = { ...result.state, rev, presenceRev: presence ? rev : before.presenceRev };
  const events = result.events.map(
    (event) =>
      ({
        name: event.name,
        payload: event.name.startsWith('presence:')
          ? { ...event.payload, since: before.presenceRev, rev }
          : { ...event.payload, rev },
      }) as RoomEvent,
  );
  return { state, events, wakeups: result.wakeups };
}

export type Rule<C extends RoomCommand> = (state: RoomState, command: C, actor: Actor, now: number) => RoomResult;
export type Rules<C extends RoomCommand> = { readonly [T in C['type']]: Rule<Extract<C, { type: T }>> };

// ---- helpers shared by the rule files ----

export function presenceOf(state: RoomState): Presence {
  return {
    roomId: state.roomId,
    members: state.members.map(({ id, personId, name, joinedAt }) => ({ id, personId, name, joinedAt })),
    adminId: state.adminId,
  };
}

export function snapshotOf(state: RoomState): RoomSnapshot {
  return {
    rev: state.rev,
    presence: presenceOf(state),
    playlist: state.playlist,
    playback: state.playback,
    settings: settingsOf(state),
    chat: state.chat,
    requests: sortRequests(state.requests),
    skip: skipVotesOf(state),
    copies: copiesOf(state),
  };
}

/** The settings as clients see them: whether there is a passcode, never the passcode. */
export function settingsOf(state: RoomState): RoomSettings {
  // Boolean(): a room stored in Redis before passcodes existed has no such field.
  return { ...state.settings, hasPasscode: Boolean(state.passcode) };
}

/**
 * Whether any of `parts` differs between two states, by reference: the
 * reducer never mutates, so a part it kept is the same object.
 */
export function partsChanged(before: RoomState, after: RoomState, parts: readonly (keyof RoomState)[]): boolean {
  return parts.some((part) => before[part] !== after[part]);
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
