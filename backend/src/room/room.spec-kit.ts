import type { Song } from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import type { PresenceCommand } from './presence.rules.js';
import { apply, emptyRoom, type Actor, type AdminRule, type RoomCommand, type RoomResult, type RoomState } from './room.state.js';

/** Builders for reducer specs: a room with people and songs, and commands by name. */

export function song(id: string, duration = 180): Song {
  return { id, title: `Song ${id}`, artist: null, album: null, duration, url: `/api/media/${id}`, coverUrl: null };
}

export const member = (id: string): Actor => ({ memberId: id });

/**
 * `name`'s join from their browser: token `token-of-<name>`, person `person-<name>` (lower-cased),
 * no passcode, the first-come rule, unless given.
 */
export function joining(
  name: string,
  who: { token?: string | null; personId?: string; passcode?: string; adminRule?: AdminRule } = {},
): PresenceCommand {
  const key = name.toLowerCase();
  const token = who.token === undefined ? `token-of-${key}` : who.token;
  const { passcode = null, adminRule = 'first-come' } = who;
  return { type: 'member:join', name, token, personId: who.personId ?? `person-${key}`, passcode, adminRule };
}

/** A room where `names` joined in order one second apart (ids are the lower-cased names), with `songs`. */
export function room(names: readonly string[], songs: readonly Song[] = [], chatHistory?: number): RoomState {
  let state = emptyRoom('lobby', chatHistory);
  names.forEach((name, i) => {
    state = apply(state, joining(name), member(name.toLowerCase()), 1000 * (i + 1)).state;
  });
  for (const s of songs) state = apply(state, { type: 'playlist:add', song: s }, 'system', 0).state;
  return state;
}

/**
 * Applies one command; the events come as the rules wrote them, without the
 * revision stamp (room.state.spec.ts covers that), so rule specs compare content.
 */
export function run(state: RoomState, command: RoomCommand, actor: Actor, now = 100_000): RoomResult {
  const result = apply(state, command, actor, now);
  const events = result.events.map((event) => {
    const payload: Record<string, unknown> = { ...event.payload };
    delete payload['rev'];
    delete payload['since'];
    return { name: event.name, payload } as RoomResult['events'][number];
  });
  return { ...result, events };
}

/** The error code a command is refused with, or undefined if it was accepted. */
export function refusal(state: RoomState, command: RoomCommand, actor: Actor, now = 100_000): string | undefined {
  try {
    apply(state, command, actor, now);
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}
