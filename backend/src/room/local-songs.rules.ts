import {
  ErrorCode,
  LOCAL_SONGS_PER_ROOM,
  localSongId,
  localSourceOf,
  type AddLocalSongRequest,
  type LocalCopies,
  type Song,
} from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { currentSong, readyForAll } from './playback.rules.js';
import { appendSong } from './playlist.rules.js';
import { partsChanged, requireMember, type Actor, type RoomResult, type RoomState, type Rules } from './room.state.js';

export type LocalSongsCommand =
  | { readonly type: 'playlist:add-local'; readonly song: AddLocalSongRequest }
  | { readonly type: 'copies:report'; readonly fingerprints: readonly string[] };

/**
 * "Bring your own copy" songs: listed by fingerprint, played by each member from
 * their own file. The server never sees the bytes, so a member counts as holding
 * a song only by reporting its exact fingerprint; what it holds is re-counted in
 * `settleCopies` after every command.
 */
export const localSongsRules: Rules<LocalSongsCommand> = {
  'playlist:add-local': (state, command, actor, now) => {
    const adder = requireAdder(state, actor);
    const { fingerprint, size, duration, title, artist, album } = command.song;
    const id = localSongId(fingerprint);
    const isNew = !state.playlist.some((s) => s.id === id);
    if (isNew && state.playlist.filter((s) => localSourceOf(s) !== null).length >= LOCAL_SONGS_PER_ROOM) {
      throw new DomainError(
        ErrorCode.TOO_MANY_SONGS,
        `The playlist already holds ${LOCAL_SONGS_PER_ROOM} own-copy songs; remove some first.`,
      );
    }
    const song: Song = { id, title, artist, album, duration, url: '', coverUrl: null, source: { kind: 'local', fingerprint, size } };
    const added = appendSong(state, song, now);
    // The adder's browser just fingerprinted the file, so it holds a copy.
    const held = state.copyHolders[adder.id] ?? [];
    if (held.includes(fingerprint)) return added;
    const copyHolders = { ...added.state.copyHolders, [adder.id]: [...held, fingerprint] };
    return { ...added, state: { ...added.state, copyHolders } };
  },

  'copies:report': (state, command, actor) => {
    const member = requireMember(state, actor);
    const copyHolders = { ...state.copyHolders, [member.id]: [...new Set(command.fingerprints)] };
    return { state: { ...state, copyHolders }, events: [], wakeups: [] };
  },
};

/** Who holds a copy of each own-copy song in the playlist, among the members present, in join order. */
export function copiesOf(state: RoomState): LocalCopies {
  const copies: Record<string, readonly string[]> = {};
  for (const song of state.playlist) {
    const source = localSourceOf(song);
    if (!source) continue;
    copies[song.id] = state.members
      .filter((m) => state.copyHolders[m.id]?.includes(source.fingerprint))
      .map((m) => m.id);
  }
  return copies;
}

/**
 * Whether the song on may start as far as own copies go: always, unless it is an
 * own-copy song in a room that waits for copies and someone present lacks one.
 */
export function copiesSettled(state: RoomState): boolean {
  const song = currentSong(state);
  const source = song ? localSourceOf(song) : null;
  if (!source || !state.settings.waitForCopies) return true;
  return state.members.every((m) => state.copyHolders[m.id]?.includes(source.fingerprint));
}

/**
 * After every command: forgets the copies of members who left, tells the room
 * when who-holds-what changed, and — if that or the room's wait setting moved
 * while a song is loading — lets the song start once it may.
 */
export function settleCopies(before: RoomState, result: RoomResult, now: number): RoomResult {
  // Settled after the last change; only these parts can unsettle it.
  if (!partsChanged(before, result.state, ['members', 'copyHolders', 'playlist', 'settings'])) return result;
  const present = new Set(result.state.members.map((m) => m.id));
  const holders = Object.entries(result.state.copyHolders);
  let settled =
    holders.every(([id]) => present.has(id))
      ? result
      : {
          ...result,
          state: { ...result.state, copyHolders: Object.fromEntries(holders.filter(([id]) => present.has(id))) },
        };
  const was = copiesOf(before);
  const is = copiesOf(settled.state);
  const viewChanged = !sameCopies(was, is);
  if (viewChanged) settled = { ...settled, events: [...settled.events, { name: 'copies:updated', payload: { copies: is } }] };
  if (viewChanged || before.settings.waitForCopies !== settled.state.settings.waitForCopies) {
    const started = readyForAll(settled.state, now);
    settled = {
      state: started.state,
      events: [...settled.events, ...started.events],
      wakeups: [...settled.wakeups, ...started.wakeups],
    };
  }
  return settled;
}

function requireAdder(state: RoomState, actor: Actor) {
  const member = requireMember(state, actor);
  if (state.settings.addSongs === 'admin' && state.adminId !== member.id) {
    throw new DomainError(ErrorCode.NOT_ADMIN, 'In this room only the admin can add songs.');
  }
  return member;
}

function sameCopies(a: LocalCopies, b: LocalCopies): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => {
    const x = a[key];
    const y = b[key];
    return x !== undefined && y !== undefined && x.length === y.length && x.every((id, i) => id === y[i]);
  });
}
