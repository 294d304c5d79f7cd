import { ErrorCode } from '@musync/protocol';

import { member, refusal, room, run, song } from './room.spec-kit.js';
import type { RoomState } from './room.state.js';

const songs = [song('a'), song('b'), song('c')];

function on(songId: string, status: 'playing' | 'paused'): RoomState {
  const state = room(['Ada', 'Bob'], songs);
  return { ...state, playback: { songId, status, position: 5, anchor: 0, version: 3 } };
}

describe('playlist', () => {
  it('lets the admin add a song and tells everyone', () => {
    const { state, events } = run(room(['Ada', 'Bob']), { type: 'playlist:add', song: song('x') }, member('ada'));
    expect(state.playlist.map((s) => s.id)).toEqual(['x']);
    expect(events[0]).toEqual({ name: 'playlist:updated', payload: { songs: state.playlist } });
  });

  it('adds the same song (same content id) only once', () => {
    expect(run(room(['Ada'], songs), { type: 'playlist:add', song: song('a') }, member('ada')).events).toEqual([]);
  });

  it('refuses adds and removals by a non-admin', () => {
    expect(refusal(room(['Ada', 'Bob']), { type: 'playlist:add', song: song('x') }, member('bob'))).toBe(ErrorCode.NOT_ADMIN);
    expect(refusal(on('a', 'paused'), { type: 'playlist:remove', songId: 'b' }, member('bob'))).toBe(ErrorCode.NOT_ADMIN);
  });

  it('refuses to remove a song that is not there', () => {
    expect(refusal(on('a', 'paused'), { type: 'playlist:remove', songId: 'zzz' }, member('ada'))).toBe(
      ErrorCode.SONG_NOT_FOUND,
    );
  });

  it('removes a song that is not playing without touching playback', () => {
    const { state, events } = run(on('a', 'playing'), { type: 'playlist:remove', songId: 'c' }, member('ada'));
    expect(state.playlist.map((s) => s.id)).toEqual(['a', 'b']);
    expect(state.playback.version).toBe(3);
    expect(events.map((e) => e.name)).toEqual(['playlist:updated', 'chat:line']);
  });

  it('plays the next song when the playing song is removed', () => {
    const { state, events } = run(on('b', 'playing'), { type: 'playlist:remove', songId: 'b' }, member('ada'));
    expect(state.playback).toMatchObject({ songId: 'c', status: 'loading', position: 0 });
    expect(events.map((e) => e.name)).toEqual(['playlist:updated', 'chat:line', 'playback:updated', 'skip:updated']);
  });

  it('cues the next song, paused, when the paused song is removed', () => {
    const { state } = run(on('a', 'paused'), { type: 'playlist:remove', songId: 'a' }, member('ada'));
    expect(state.playback).toMatchObject({ songId: 'b', status: 'paused', position: 0 });
  });

  it('rewinds to the first song, paused, when the last song is removed while playing', () => {
    const { state } = run(on('c', 'playing'), { type: 'playlist:remove', songId: 'c' }, member('ada'));
    expect(state.playback).toMatchObject({ songId: 'a', status: 'paused', position: 0 });
  });

  it('empties playback when the only song is removed', () => {
    const single = { ...room(['Ada'], [song('a')]), playback: { songId: 'a', status: 'playing' as const, position: 1, anchor: 0, version: 1 } };
    const { state } = run(single, { type: 'playlist:remove', songId: 'a' }, member('ada'));
    expect(state.playlist).toEqual([]);
    expect(state.playback).toMatchObject({ songId: null, status: 'paused', position: 0 });
  });

  describe('reordering', () => {
    const move = (songId: string, toIndex: number) => ({ type: 'playlist:move' as const, songId, toIndex });

    it('lets the admin move a song up or down, and tells everyone the new order', () => {
      const down = run(on('a', 'playing'), move('a', 2), member('ada'));
      expect(down.state.playlist.map((s) => s.id)).toEqual(['b', 'c', 'a']);
      expect(down.events).toEqual([{ name: 'playlist:updated', payload: { songs: down.state.playlist } }]);
      expect(run(on('a', 'playing'), move('c', 0), member('ada')).state.playlist.map((s) => s.id)).toEqual(['c', 'a', 'b']);
    });

    it('keeps the song that is on playing, untouched', () => {
      const before = on('b', 'playing');
      const { state } = run(before, move('b', 0), member('ada'));
      expect(state.playback).toBe(before.playback);
    });

    it('changes nothing when the song is already there', () => {
      const before = on('a', 'paused');
      const { state, events } = run(before, move('b', 1), member('ada'));
      expect(state).toBe(before);
      expect(events).toEqual([]);
    });

    it('refuses a non-admin, an unknown song and a place past the end, changing nothing', () => {
      expect(refusal(on('a', 'paused'), move('a', 1), member('bob'))).toBe(ErrorCode.NOT_ADMIN);
      expect(refusal(on('a', 'paused'), move('zzz', 0), member('ada'))).toBe(ErrorCode.SONG_NOT_FOUND);
      expect(refusal(on('a', 'paused'), move('a', 3), member('ada'))).toBe(ErrorCode.PLAYLIST_INDEX_OUT_OF_RANGE);
    });
  });
});
