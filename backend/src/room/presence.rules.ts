import { ErrorCode } from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { readyForAll } from './playback.rules.js';
import {
  memberIdOf,
  presenceOf,
  requireAdmin,
  requireSystem,
  type RoomResult,
  type RoomState,
  type Rules,
  type Wakeup,
} from './room.state.js';

export type PresenceCommand =
  | { readonly type: 'member:join'; readonly name: string; readonly token: string | null }
  /** `graceMs`: how long a departing admin with a token keeps the chair open for a reload. */
  | { readonly type: 'member:leave'; readonly graceMs: number }
  | { readonly type: 'admin:vacancy-expired'; readonly token: string }
  | { readonly type: 'room:configure'; readonly control: 'everyone' | 'admin' };

/**
 * Admin election: the first member is admin. When the admin leaves, the
 * longest-present member is promoted, after a grace period in which the same
 * browser (same token) may come back and keep the chair.
 */
export const presenceRules: Rules<PresenceCommand> = {
  'member:join': (state, command, actor, now) => {
    const id = memberIdOf(actor);
    if (state.members.some((m) => m.id === id)) {
      throw new DomainError(ErrorCode.ALREADY_JOINED, 'You are already in this room.');
    }
    const members = [...state.members, { id, name: command.name, joinedAt: now, token: command.token }];
    const vacancy = state.vacancy && state.vacancy.until > now ? state.vacancy : null;
    const returningAdmin = vacancy !== null && command.token === vacancy.token;
    // The returning admin takes the chair back; otherwise a room with no admin and
    // no open vacancy crowns its arrival.
    const adminId = returningAdmin ? id : (state.adminId ?? (vacancy ? null : id));
    return withPresence({ ...state, members, adminId, vacancy: returningAdmin ? null : vacancy });
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
        const vacancy = { token: leaving.token, until: now + command.graceMs };
        next = { ...next, adminId: null, vacancy };
        wakeups.push({ at: vacancy.until, command: { type: 'admin:vacancy-expired', token: vacancy.token } });
      } else {
        next = { ...next, adminId: members[0]?.id ?? null, vacancy: null };
      }
    }
    // Someone still loading left: the rest may now all be ready.
    const started = readyForAll(next, now);
    return {
      state: started.state,
      events: [{ name: 'presence:updated', payload: presenceOf(started.state) }, ...started.events],
      wakeups: [...wakeups, ...started.wakeups],
    };
  },

  'admin:vacancy-expired': (state, command, actor, now) => {
    requireSystem(actor, 'close the admin vacancy');
    if (state.vacancy?.token !== command.token || state.vacancy.until > now) return { state, events: [], wakeups: [] };
    return withPresence({ ...state, adminId: state.members[0]?.id ?? null, vacancy: null });
  },

  'room:configure': (state, command, actor) => {
    requireAdmin(state, actor, 'change who controls playback');
    const settings = { ...state.settings, control: command.control };
    return { state: { ...state, settings }, events: [{ name: 'settings:updated', payload: settings }], wakeups: [] };
  },
};

function withPresence(state: RoomState): RoomResult {
  return { state, events: [{ name: 'presence:updated', payload: presenceOf(state) }], wakeups: [] };
}
