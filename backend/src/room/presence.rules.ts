import {
  ErrorCode,
  USERNAME_MAX_LENGTH,
  type AddSongsMode,
  type ControlMode,
  type SkipThreshold,
} from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { withNotice } from './chat.rules.js';
import { readyForAll } from './playback.rules.js';
import {
  memberIdOf,
  requireAdmin,
  requireSystem,
  type RoomResult,
  type RoomState,
  type Rules,
  type Wakeup,
} from './room.state.js';

export type PresenceCommand =
  /** `personId`: derived from the token by the service (see RoomService.join), or the member id without one. */
  | { readonly type: 'member:join'; readonly name: string; readonly token: string | null; readonly personId: string }
  /** `graceMs`: how long a departing admin with a token keeps the chair open for a reload. */
  | { readonly type: 'member:leave'; readonly graceMs: number }
  | { readonly type: 'admin:vacancy-expired'; readonly token: string }
  /** Re-announces who is admin (a presence delta that changes nothing), after a node left the cluster. */
  | { readonly type: 'presence:announce' }
  | {
      readonly type: 'room:configure';
      readonly control?: ControlMode | undefined;
      readonly skipThreshold?: SkipThreshold | undefined;
      readonly addSongs?: AddSongsMode | undefined;
      readonly waitForCopies?: boolean | undefined;
    };

/**
 * Admin election: the first member is admin. When the admin leaves, the
 * longest-present member is promoted, after a grace period in which the same
 * browser (same token) may come back and keep the chair.
 *
 * The chat hears of people, not connections: "joined" when a person's first
 * member arrives, "left" when their last one goes.
 */
export const presenceRules: Rules<PresenceCommand> = {
  'member:join': (state, command, actor, now) => {
    const id = memberIdOf(actor);
    if (state.members.some((m) => m.id === id)) {
      throw new DomainError(ErrorCode.ALREADY_JOINED, 'You are already in this room.');
    }
    const others = state.members.filter((m) => m.personId !== command.personId).map((m) => m.name);
    const name = uniqueName(command.name, others);
    const member = { id, personId: command.personId, name, joinedAt: now };
    const members = [...state.members, { ...member, token: command.token }];
    const vacancy = state.vacancy && state.vacancy.until > now ? state.vacancy : null;
    const returningAdmin = vacancy !== null && command.token === vacancy.token;
    // The returning admin takes the chair back; otherwise a room with no admin and
    // no open vacancy crowns its arrival.
    const adminId = returningAdmin ? id : (state.adminId ?? (vacancy ? null : id));
    const joined: RoomResult = {
      state: { ...state, members, adminId, vacancy: returningAdmin ? null : vacancy },
      events: [{ name: 'presence:joined', payload: { member, adminId } }],
      wakeups: [],
    };
    const alreadyHere = state.members.some((m) => m.personId === command.personId);
    return alreadyHere ? joined : withNotice(joined, { type: 'joined', name }, now);
  },

  'member:leave': (state, command, actor, now) => {
    const id = memberIdOf(actor);
    const leaving = state.members.find((m) => m.id === id);
    if (!leaving) throw new DomainError(ErrorCode.NOT_JOINED, 'You are not in this room.');
    const members = state.members.filter((m) => m.id !== id);
    const readyIds = state.readyIds.filter((r) => r !== id);
    let next: RoomState = { ...state, members, readyIds };
    const wakeups: Wakeup[] = [];
    if (state.adminId === id) {
      if (leaving.token && command.graceMs > 0 && members.length > 0) {
        const vacancy = { token: leaving.token, personId: leaving.personId, until: now + command.graceMs };
        next = { ...next, adminId: null, vacancy };
        wakeups.push({ at: vacancy.until, command: { type: 'admin:vacancy-expired', token: vacancy.token } });
      } else {
        next = { ...next, adminId: members[0]?.id ?? null, vacancy: null };
      }
    }
    // Someone still loading left: the rest may now all be ready.
    const started = readyForAll(next, now);
    const left: RoomResult = {
      state: started.state,
      events: [{ name: 'presence:left', payload: { memberId: id, adminId: started.state.adminId } }, ...started.events],
      wakeups: [...wakeups, ...started.wakeups],
    };
    const stillHere = members.some((m) => m.personId === leaving.personId);
    return stillHere ? left : withNotice(left, { type: 'left', name: leaving.name }, now);
  },

  'admin:vacancy-expired': (state, command, actor, now) => {
    requireSystem(actor, 'close the admin vacancy');
    if (state.vacancy?.token !== command.token || state.vacancy.until > now) return { state, events: [], wakeups: [] };
    const adminId = state.members[0]?.id ?? null;
    return {
      state: { ...state, adminId, vacancy: null },
      events: [{ name: 'presence:changed', payload: { adminId } }],
      wakeups: [],
    };
  },

  // A node that stopped may have committed a change and not lived to broadcast it.
  // A no-op delta after it shows every client that missed one a gap, and so a resync.
  'presence:announce': (state, _command, actor) => {
    requireSystem(actor, 'announce presence');
    return { state, events: [{ name: 'presence:changed', payload: { adminId: state.adminId } }], wakeups: [] };
  },

  'room:configure': (state, command, actor) => {
    requireAdmin(state, actor, 'change the room settings');
    const settings = {
      control: command.control ?? state.settings.control,
      skipThreshold: command.skipThreshold ?? state.settings.skipThreshold,
      addSongs: command.addSongs ?? state.settings.addSongs,
      waitForCopies: command.waitForCopies ?? state.settings.waitForCopies,
    };
    return { state: { ...state, settings }, events: [{ name: 'settings:updated', payload: settings }], wakeups: [] };
  },
};

/**
 * Announces a new admin in the chat: whenever the chair passes to another person
 * (the first arrival, a promotion, the next arrival in an emptied room), never
 * when an admin's reload takes it back or a vacancy merely opens.
 */
export function announceAdmin(before: RoomState, result: RoomResult, now: number): RoomResult {
  const admin = result.state.members.find((m) => m.id === result.state.adminId);
  if (!admin || admin.personId === chairHolder(before)) return result;
  return withNotice(result, { type: 'admin', name: admin.name }, now);
}

/** The person holding the chair: the admin, or the one it is kept for during a vacancy. */
function chairHolder(state: RoomState): string | null {
  return state.members.find((m) => m.id === state.adminId)?.personId ?? state.vacancy?.personId ?? null;
}

/**
 * Names are unique per room among different people, compared case-insensitively:
 * a taken "Ada" becomes "Ada (2)", then "Ada (3)", the base cut so the result
 * still fits USERNAME_MAX_LENGTH. The same person (another tab, a reload that
 * overtook its own disconnect) keeps the name.
 */
function uniqueName(wanted: string, taken: readonly string[]): string {
  const takenKeys = new Set(taken.map((name) => name.toLowerCase()));
  let name = wanted;
  for (let n = 2; takenKeys.has(name.toLowerCase()); n++) {
    const suffix = ` (${n})`;
    name = `${cut(wanted, USERNAME_MAX_LENGTH - suffix.length)}${suffix}`;
  }
  return name;
}

/** The longest start of `text` within `max` UTF-16 units, never splitting a character, without trailing spaces. */
function cut(text: string, max: number): string {
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > max) break;
    kept += char;
  }
  return kept.trimEnd();
}
