import { ErrorCode, type Song } from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { withNotice } from './chat.rules.js';
import { cue } from './playback.rules.js';
import { requireAdmin, unchanged, type RoomResult, type RoomState, type Rules } from './room.state.js';

export type PlaylistCommand =
  | { readonly type: 'playlist:add'; readonly song: Song }
  | { readonly type: 'playlist:remove'; readonly songId: string };

/** Only the admin (or the server, for uploads and seeding) changes the playlist. */
export const playlistRules: Rules<PlaylistCommand> = {
  'playlist:add': (state, command, actor, now) => {
    requireAdmin(state, actor, 'add songs');
    return appendSong(state, command.song, now);
  },

  'playlist:remove': (state, command, actor, now) => {
    requireAdmin(state, actor, 'remove songs');
    const index = state.playlist.findIndex((s) => s.id === command.songId);
    const removed = state.playlist[index];
    if (!removed) throw new DomainError(ErrorCode.SONG_NOT_FOUND, 'That song is not in the playlist.');
    const playlist = state.playlist.filter((s) => s.id !== command.songId);
    const listed = withNotice(withPlaylist({ ...state, playlist }), { type: 'song-removed', title: removed.title }, now);
    if (state.playback.songId !== command.songId) return listed;
    // The song on is gone: the one after it takes its place, playing if the room was.
    const successor = playlist[index] ?? null;
    const keepPlaying = successor !== null && state.playback.status !== 'paused';
    const cued = cue(listed.state, successor ?? playlist[0] ?? null, keepPlaying, now);
    return { state: cued.state, events: [...listed.events, ...cued.events], wakeups: cued.wakeups };
  },
};

/** Adds a song at the end and tells the room; ids are content-derived, so the same file added twice is one song. */
export function appendSong(state: RoomState, song: Song, now: number): RoomResult {
  if (state.playlist.some((s) => s.id === song.id)) return unchanged(state);
  const listed = withPlaylist({ ...state, playlist: [...state.playlist, song] });
  return withNotice(listed, { type: 'song-added', title: song.title }, now);
}

function withPlaylist(state: RoomState): RoomResult {
  return { state, events: [{ name: 'playlist:updated', payload: { songs: state.playlist } }], wakeups: [] };
}
