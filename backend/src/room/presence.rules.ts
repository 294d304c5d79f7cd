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
  requireMember,
  requireSystem,
  settingsOf,
  type AdminRule,
  type MemberState,
  type RoomResult,
  type RoomState,
  type Rules,
  type Wakeup,
} from './room.state.js';
import { opens, type SealedSecret } from './secret.js';

export type PresenceCommand =
  | {
      readonly type: 'member:join';
      readonly name: string;
      readonly token: string | null;
      /** Derived from the token by the service (see RoomService.join), or the member id without one. */
      readonly personId: string;
      /** The passcode the joiner gave, if any. */
      readonly passcode: string | null;
      readonly adminRule: AdminRule;
    }
  /** `graceMs`: how long a departing admin with a token keeps the chair open for a reload. */
  | { readonly type: 'member:leave'; readonly graceMs: number; readonly adminRule: AdminRule }
  | { readonly type: 'admin:vacancy-expired'; readonly token: string }
  /** `adminPassword`: the server's ADMIN_PASSWORD, sealed (null: the server has none). */
  | { readonly type: 'admin:claim'; readonly password: string; readonly adminPassword: SealedSecret | null }
  /** Re-announces who is admin (a presence delta that changes nothing), after a node left the cluster. */
  | { readonly type: 'presence:announce' }
  | {
      readonly type: 'room:configure';
      readonly control?: ControlMode | undefined;
      readonly skipThreshold?: SkipThreshold | undefined;
      readonly addSongs?: AddSongsMode | undefined;
      readonly waitForCopies?: boolean | undefined;
      /** Sealed by the service (a random salt is an effect); null takes the passcode away. */
      readonly passcode?: SealedSecret | null | undefined;
    };

/**
 * Admin election: the first member is admin. When the admin leaves, the
 * longest-present member is promoted, after a grace period in which the same
 * browser (same token) may come back and keep the chair. Under the 'password'
 * rule only eligible members (who proved the admin password with `admin:claim`)
 * are ever crowned or promoted; with none, the room has no admin until one claims.
 *
 * A room with a passcode admits only joiners who give it — or who are already
 * in (another tab of a present person) or are the admin back within the grace.
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
    const firstCome = command.adminRule === 'first-come';
    // An open vacancy in a room everyone left holds the chair only where arriving first does not win it.
    const open = state.vacancy && state.vacancy.until > now ? state.vacancy : null;
    const vacancy = open && (state.members.length > 0 || !firstCome) ? open : null;
    const returningAdmin = open !== null && command.token === open.token;
    const samePerson = state.members.filter((m) => m.personId === command.personId);
    const alreadyHere = samePerson.length > 0;
    if (state.passcode && !alreadyHere && !returningAdmin) requirePasscode(state.passcode, command.passcode);
    const others = state.members.filter((m) => m.personId !== command.personId).map((m) => m.name);
    const name = uniqueName(command.name, others);
    const eligible = firstCome || returningAdmin || samePerson.some((m) => m.eligible);
    const arriving = { id, personId: command.personId, name, joinedAt: now, token: command.token, eligible };
    const members = [...state.members, arriving];
    // The returning admin takes the chair back; otherwise a room with no admin and
    // no open vacancy crowns an eligible arrival.
    const adminId = returningAdmin ? id : (state.adminId ?? (vacancy || !eligible ? null : id));
    const joined: RoomResult = {
      state: { ...state, members, adminId, vacancy: returningAdmin ? null : vacancy },
      events: [{ name: 'presence:joined', payload: { member: { id, personId: command.personId, name, joinedAt: now }, adminId } }],
      wakeups: [],
    };
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
      // Under the password rule the chair is kept even in an emptied room: nobody else may take it.
      const keep = members.length > 0 || command.adminRule === 'password';
      if (leaving.token && command.graceMs > 0 && keep) {
        const vacancy = { token: leaving.token, personId: leaving.personId, until: now + command.graceMs };
        next = { ...next, adminId: null, vacancy };
        wakeups.push({ at: vacancy.until, command: { type: 'admin:vacancy-expired', token: vacancy.token } });
      } else {
        next = { ...next, adminId: firstEligible(members), vacancy: null };
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
    return withAdmin({ ...state, adminId: firstEligible(state.members), vacancy: null });
  },

  'admin:claim': (state, command, actor) => {
    const claimer = requireMember(state, actor);
    if (!command.adminPassword) {
      throw new DomainError(ErrorCode.ADMIN_CLAIM_OFF, 'This server has no admin password: the first one here is admin.');
    }
    if (!opens(command.adminPassword, command.password)) {
      throw new DomainError(ErrorCode.WRONG_PASSWORD, 'That is not the admin password.');
    }
    // The proof is the person's (their other tabs too), and the chair is theirs now.
    const members = state.members.map((m) => (m.personId === claimer.personId ? { ...m, eligible: true } : m));
    return withAdmin({ ...state, members, adminId: claimer.id, vacancy: null });
  },

  // A node that stopped may have committed a change and not lived to broadcast it.
  // A no-op delta after it shows every client that missed one a gap, and so a resync.
  'presence:announce': (state, _command, actor) => {
    requireSystem(actor, 'announce presence');
    return withAdmin(state);
  },

  'room:configure': (state, command, actor) => {
    requireAdmin(state, actor, 'change the room settings');
    const settings = {
      control: command.control ?? state.settings.control,
      skipThreshold: command.skipThreshold ?? state.settings.skipThreshold,
      addSongs: command.addSongs ?? state.settings.addSongs,
      waitForCopies: command.waitForCopies ?? state.settings.waitForCopies,
    };
    const passcode = command.passcode === undefined ? state.passcode : command.passcode;
    const next = { ...state, settings, passcode };
    return { state: next, events: [{ name: 'settings:updated', payload: settingsOf(next) }], wakeups: [] };
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

/** The longest-present member who may hold the chair, if any. */
function firstEligible(members: readonly MemberState[]): string | null {
  return members.find((m) => m.eligible)?.id ?? null;
}

function requirePasscode(passcode: SealedSecret, given: string | null): void {
  if (given === null) throw new DomainError(ErrorCode.PASSCODE_REQUIRED, 'This room needs a passcode.');
  if (!opens(passcode, given)) throw new DomainError(ErrorCode.WRONG_PASSCODE, 'That is not the room’s passcode.');
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

/** Tells the room who is admin now (a presence delta; the members are unchanged). */
function withAdmin(state: RoomState): RoomResult {
  return { state, events: [{ name: 'presence:changed', payload: { adminId: state.adminId } }], wakeups: [] };
}
