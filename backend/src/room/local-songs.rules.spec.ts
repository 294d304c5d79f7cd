import { ErrorCode, LOCAL_SONGS_PER_ROOM, READY_BARRIER_MS, localSongId, type AddLocalSongRequest } from '@musync/protocol';

import type { LocalSongsCommand } from './local-songs.rules.js';
import { joining, member, refusal, room, run, song } from './room.spec-kit.js';
import { snapshotOf, type RoomState } from './room.state.js';

const NOW = 100_000;
const FP = 'a'.repeat(64);
const OTHER_FP = 'b'.repeat(64);
const LOCAL_ID = localSongId(FP);

function local(fingerprint = FP, title = 'Mine'): AddLocalSongRequest {
  return { fingerprint, size: 4096, duration: 120, title, artist: 'Me', album: null };
}

const addLocal = (fingerprint = FP): LocalSongsCommand => ({ type: 'playlist:add-local', song: local(fingerprint) });
const report = (...fingerprints: string[]): LocalSongsCommand => ({ type: 'copies:report', fingerprints });

/** Ada (admin), Bob and Cy; Ada added the own-copy song, then the uploaded song `up`. */
function withLocalSong(settings: Partial<RoomState['settings']> = {}): RoomState {
  const base = room(['Ada', 'Bob', 'Cy']);
  const configured = { ...base, settings: { ...base.settings, ...settings } };
  const added = run(configured, addLocal(), member('ada'), NOW).state;
  return run(added, { type: 'playlist:add', song: song('up') }, 'system', NOW).state;
}

describe('adding own-copy songs', () => {
  it('lists the song by its fingerprint, without a url, and counts the adder as holding it', () => {
    const { state, events } = run(room(['Ada', 'Bob']), addLocal(), member('ada'), NOW);
    expect(state.playlist).toEqual([
      {
        id: LOCAL_ID,
        title: 'Mine',
        artist: 'Me',
        album: null,
        duration: 120,
        url: '',
        coverUrl: null,
        source: { kind: 'local', fingerprint: FP, size: 4096 },
      },
    ]);
    expect(events).toContainEqual({ name: 'playlist:updated', payload: { songs: state.playlist } });
    expect(events).toContainEqual({ name: 'copies:updated', payload: { copies: { [LOCAL_ID]: ['ada'] } } });
  });

  it('is the admin’s by default; the room can let everyone add', () => {
    expect(refusal(room(['Ada', 'Bob']), addLocal(), member('bob'))).toBe(ErrorCode.NOT_ADMIN);
    const open = run(room(['Ada', 'Bob']), { type: 'room:configure', addSongs: 'everyone' }, member('ada')).state;
    expect(run(open, addLocal(), member('bob')).state.playlist.map((s) => s.id)).toEqual([LOCAL_ID]);
    expect(refusal(open, addLocal(), member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });

  it('adds the same file once', () => {
    const once = run(room(['Ada']), addLocal(), member('ada')).state;
    expect(run(once, addLocal(), member('ada')).events).toEqual([]);
  });

  it(`refuses the ${LOCAL_SONGS_PER_ROOM + 1}th own-copy song and adds nothing`, () => {
    let state = room(['Ada']);
    for (let i = 0; i < LOCAL_SONGS_PER_ROOM; i++) {
      state = run(state, addLocal(i.toString(16).padStart(64, '0')), member('ada')).state;
    }
    expect(state.playlist).toHaveLength(LOCAL_SONGS_PER_ROOM);
    expect(refusal(state, addLocal(), member('ada'))).toBe(ErrorCode.TOO_MANY_SONGS);
  });
});

describe('who holds a copy', () => {
  it('counts a member only for a song whose fingerprint it reports', () => {
    const state = withLocalSong();
    const claimed = run(state, report(OTHER_FP), member('bob'));
    expect(claimed.events).toEqual([]);
    const held = run(claimed.state, report(FP, OTHER_FP), member('bob'));
    expect(held.events).toEqual([{ name: 'copies:updated', payload: { copies: { [LOCAL_ID]: ['ada', 'bob'] } } }]);
    const dropped = run(held.state, report(), member('bob'));
    expect(dropped.events).toEqual([{ name: 'copies:updated', payload: { copies: { [LOCAL_ID]: ['ada'] } } }]);
  });

  it('counts a copy reported before the song was added', () => {
    const early = run(room(['Ada', 'Bob']), report(FP), member('bob')).state;
    expect(run(early, addLocal(), member('ada')).state.copyHolders).toEqual({ ada: [FP], bob: [FP] });
  });

  it('forgets a member’s copies when they leave, and a removed song’s entry', () => {
    const state = run(withLocalSong(), report(FP), member('bob')).state;
    const left = run(state, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('bob'));
    expect(left.state.copyHolders).toEqual({ ada: [FP] });
    expect(left.events).toContainEqual({ name: 'copies:updated', payload: { copies: { [LOCAL_ID]: ['ada'] } } });
    const removed = run(left.state, { type: 'playlist:remove', songId: LOCAL_ID }, member('ada'));
    expect(removed.events).toContainEqual({ name: 'copies:updated', payload: { copies: {} } });
  });

  it('is in the join snapshot', () => {
    const state = run(withLocalSong(), report(FP), member('cy')).state;
    const joined = run(state, joining('Dee', { token: null, personId: 'dee' }), member('dee'));
    expect(snapshotOf(joined.state).copies).toEqual({ [LOCAL_ID]: ['ada', 'cy'] });
  });

  it('refuses a report from someone not in the room', () => {
    expect(refusal(withLocalSong(), report(FP), member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });
});

describe('starting an own-copy song', () => {
  const select = { type: 'playback:select', songId: LOCAL_ID } as const;
  const ready = (who: string) => [{ type: 'playback:ready', songId: LOCAL_ID } as const, member(who)] as const;

  it('by default waits for nobody’s copy: the members without one report ready at once', () => {
    let state = run(withLocalSong(), select, member('ada'), NOW).state;
    for (const who of ['ada', 'bob', 'cy']) state = run(state, ...ready(who), NOW + 10).state;
    expect(state.playback.status).toBe('playing');
  });

  it('with wait-for-copies, waits past the barrier until everyone present holds a copy', () => {
    const waiting = run(withLocalSong({ waitForCopies: true }), select, member('ada'), NOW);
    let state = waiting.state;
    for (const who of ['ada', 'bob', 'cy']) state = run(state, ...ready(who), NOW + 10).state;
    expect(state.playback.status).toBe('loading');

    const barrier = waiting.wakeups.find((w) => w.command.type === 'playback:barrier-expired');
    expect(barrier).toBeDefined();
    const deadline = NOW + READY_BARRIER_MS;
    state = run(state, barrier!.command, 'system', deadline).state;
    expect(state.playback.status).toBe('loading');

    state = run(state, report(FP), member('bob'), deadline + 500).state;
    expect(state.playback.status).toBe('loading');
    // A claim of a different file does not count.
    state = run(state, report(OTHER_FP), member('cy'), deadline + 600).state;
    expect(state.playback.status).toBe('loading');
    const last = run(state, report(FP), member('cy'), deadline + 700);
    expect(last.state.playback).toMatchObject({ status: 'playing', songId: LOCAL_ID, anchor: deadline + 700 + state.leadMs });
  });

  it('with wait-for-copies, starts when the one without a copy leaves, or the admin turns waiting off', () => {
    let state = run(withLocalSong({ waitForCopies: true }), report(FP), member('bob')).state;
    state = run(state, select, member('ada'), NOW).state;
    for (const who of ['ada', 'bob', 'cy']) state = run(state, ...ready(who), NOW + 10).state;
    expect(state.playback.status).toBe('loading');

    expect(run(state, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('cy'), NOW + 20).state.playback.status).toBe('playing');
    const off = run(state, { type: 'room:configure', waitForCopies: false }, member('ada'), NOW + 20);
    expect(off.state.playback.status).toBe('playing');
  });

  it('with wait-for-copies, an uploaded song does not wait', () => {
    let state = run(withLocalSong({ waitForCopies: true }), { type: 'playback:select', songId: 'up' }, member('ada'), NOW).state;
    for (const who of ['ada', 'bob', 'cy']) state = run(state, { type: 'playback:ready', songId: 'up' }, member(who), NOW + 10).state;
    expect(state.playback.status).toBe('playing');
  });
});
