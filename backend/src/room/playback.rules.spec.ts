import { ErrorCode, READY_BARRIER_MS, positionAt } from '@musync/protocol';

import type { PlaybackCommand } from './playback.rules.js';
import { member, refusal, room, run, song } from './room.spec-kit.js';
import type { RoomState } from './room.state.js';

const NOW = 100_000;
const songs = [song('a', 100), song('b', 200), song('c', 300)];

/** Ada (admin) and Bob in a room with songs a, b, c; song `songId` playing from `position` at NOW. */
function playing(songId = 'a', position = 0): RoomState {
  const state = room(['Ada', 'Bob'], songs);
  return { ...state, playback: { songId, status: 'playing', position, anchor: NOW, version: 7 } };
}

function paused(songId = 'a', position = 30): RoomState {
  const state = room(['Ada', 'Bob'], songs);
  return { ...state, playback: { songId, status: 'paused', position, anchor: NOW, version: 7 } };
}

/** Every command a member can send, valid against playing('a', 50). */
const memberCommands: Record<string, PlaybackCommand> = {
  play: { type: 'playback:play' },
  pause: { type: 'playback:pause' },
  next: { type: 'playback:next', fromSongId: 'a' },
  previous: { type: 'playback:previous', fromSongId: 'a' },
  skip: { type: 'playback:skip', by: 10 },
  select: { type: 'playback:select', songId: 'b' },
};

describe('playback permissions: every command × role', () => {
  it.each(Object.entries(memberCommands))('anyone in the room may %s', (_, command) => {
    expect(refusal(playing('a', 50), command, member('bob'))).toBeUndefined();
    expect(refusal(playing('a', 50), command, member('ada'))).toBeUndefined();
  });

  it.each(Object.entries(memberCommands))('someone not in the room may not %s', (_, command) => {
    expect(refusal(playing('a', 50), command, member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });

  it.each(Object.entries(memberCommands))('with control set to admin, only the admin may %s', (_, command) => {
    const restricted = { ...playing('a', 50), settings: { ...playing('a', 50).settings, control: 'admin' as const } };
    expect(refusal(restricted, command, member('bob'))).toBe(ErrorCode.CONTROL_RESTRICTED);
    expect(refusal(restricted, command, member('ada'))).toBeUndefined();
  });

  it('only the admin may seek with the progress bar', () => {
    const seek: PlaybackCommand = { type: 'playback:seek', position: 42 };
    expect(refusal(playing(), seek, member('bob'))).toBe(ErrorCode.NOT_ADMIN);
    expect(refusal(playing(), seek, member('ada'))).toBeUndefined();
  });

  it('any member may report ready or ended, even in an admin-controlled room', () => {
    const restricted = { ...playing('a', 99.5), settings: { ...playing('a', 99.5).settings, control: 'admin' as const } };
    expect(refusal(restricted, { type: 'playback:ended', fromSongId: 'a' }, member('bob'))).toBeUndefined();
    expect(refusal(restricted, { type: 'playback:ready', songId: 'a' }, member('bob'))).toBeUndefined();
  });

  it('a non-admin’s refused seek leaves the state exactly as it was', () => {
    const before = playing('a', 50);
    const snapshot = structuredClone(before);
    expect(refusal(before, { type: 'playback:seek', position: 10 }, member('bob'))).toBe(ErrorCode.NOT_ADMIN);
    expect(before).toEqual(snapshot);
  });
});

describe('play and pause', () => {
  it('plays a paused song from where it rests, one lead in the future', () => {
    const state = paused('a', 30);
    const { state: next, events } = run(state, { type: 'playback:play' }, member('bob'), NOW);
    expect(next.playback).toEqual({ songId: 'a', status: 'playing', position: 30, anchor: NOW + state.leadMs, version: 8 });
    expect(events).toEqual([{ name: 'playback:updated', payload: next.playback }]);
  });

  it('pauses at the position reached when the pause takes effect', () => {
    const state = playing('a', 10);
    const { state: next } = run(state, { type: 'playback:pause' }, member('bob'), NOW + 5000);
    const at = NOW + 5000 + state.leadMs;
    expect(next.playback).toMatchObject({ status: 'paused', anchor: at, version: 8 });
    expect(next.playback.position).toBeCloseTo(10 + (at - NOW) / 1000, 9);
  });

  it('treats play while playing and pause while paused as no-ops', () => {
    expect(run(playing(), { type: 'playback:play' }, member('bob')).events).toEqual([]);
    expect(run(paused(), { type: 'playback:pause' }, member('bob')).events).toEqual([]);
  });

  it('starts the first song through the ready barrier when nothing is on', () => {
    const { state, wakeups } = run(room(['Ada'], songs), { type: 'playback:play' }, member('ada'), NOW);
    expect(state.playback).toMatchObject({ songId: 'a', status: 'loading', position: 0, anchor: NOW + READY_BARRIER_MS });
    expect(wakeups).toEqual([
      { at: NOW + READY_BARRIER_MS, command: { type: 'playback:barrier-expired', songId: 'a', version: 1 } },
    ]);
  });

  it('refuses play on an empty playlist', () => {
    expect(refusal(room(['Ada']), { type: 'playback:play' }, member('ada'))).toBe(ErrorCode.PLAYLIST_EMPTY);
  });
});

describe('next, previous and select', () => {
  it('moves to the next song and waits for everyone to load it', () => {
    const { state } = run(playing('a', 50), { type: 'playback:next', fromSongId: 'a' }, member('bob'));
    expect(state.playback).toMatchObject({ songId: 'b', status: 'loading', position: 0 });
    expect(state.readyIds).toEqual([]);
  });

  it('advances one song when many listeners press next for the same song', () => {
    let state = playing('a', 50);
    for (const who of ['ada', 'bob', 'ada', 'bob']) {
      state = run(state, { type: 'playback:next', fromSongId: 'a' }, member(who)).state;
    }
    expect(state.playback.songId).toBe('b');
  });

  it('stops after the last song: rewound to the first song, paused', () => {
    const { state } = run(playing('c', 10), { type: 'playback:next', fromSongId: 'c' }, member('bob'));
    expect(state.playback).toMatchObject({ songId: 'a', status: 'paused', position: 0 });
  });

  it('goes to the previous song within the first seconds', () => {
    const { state } = run(playing('b', 1), { type: 'playback:previous', fromSongId: 'b' }, member('bob'));
    expect(state.playback).toMatchObject({ songId: 'a', status: 'loading' });
  });

  it('restarts the song when previous is pressed later in it', () => {
    const { state } = run(playing('b', 60), { type: 'playback:previous', fromSongId: 'b' }, member('bob'), NOW);
    expect(state.playback).toMatchObject({ songId: 'b', status: 'playing', position: 0 });
  });

  it('restarts the first song on previous at the first song', () => {
    const { state } = run(playing('a', 1), { type: 'playback:previous', fromSongId: 'a' }, member('bob'));
    expect(state.playback).toMatchObject({ songId: 'a', position: 0 });
  });

  it('ignores next/previous for a song that is no longer on', () => {
    expect(run(playing('b'), { type: 'playback:next', fromSongId: 'a' }, member('bob')).events).toEqual([]);
    expect(run(playing('b'), { type: 'playback:previous', fromSongId: 'a' }, member('bob')).events).toEqual([]);
  });

  it('plays a clicked song', () => {
    expect(run(paused('a'), { type: 'playback:select', songId: 'c' }, member('bob')).state.playback).toMatchObject({
      songId: 'c',
      status: 'loading',
    });
  });

  it('refuses to select a song that is not in the playlist', () => {
    expect(refusal(playing(), { type: 'playback:select', songId: 'zzz' }, member('bob'))).toBe(ErrorCode.SONG_NOT_FOUND);
  });
});

describe('skip (±10 s) and seek', () => {
  it('jumps relative to where the song will be when the jump takes effect', () => {
    const state = playing('a', 20);
    const { state: next } = run(state, { type: 'playback:skip', by: -10 }, member('bob'), NOW + 2000);
    const at = NOW + 2000 + state.leadMs;
    expect(next.playback.anchor).toBe(at);
    expect(next.playback.position).toBeCloseTo(20 + (at - NOW) / 1000 - 10, 9);
    expect(next.playback.status).toBe('playing');
  });

  it('clamps a backwards skip at the start', () => {
    expect(run(playing('a', 3), { type: 'playback:skip', by: -10 }, member('bob')).state.playback.position).toBe(0);
  });

  it('moves to the next song when a skip passes the end', () => {
    expect(run(playing('a', 95), { type: 'playback:skip', by: 10 }, member('bob')).state.playback.songId).toBe('b');
  });

  it('keeps a paused song paused when skipping', () => {
    const { state } = run(paused('a', 30), { type: 'playback:skip', by: 10 }, member('bob'));
    expect(state.playback).toMatchObject({ status: 'paused', position: 40 });
  });

  it('lets the admin seek anywhere inside the song', () => {
    const state = playing('b', 5);
    const { state: next } = run(state, { type: 'playback:seek', position: 150 }, member('ada'), NOW);
    expect(next.playback).toMatchObject({ songId: 'b', status: 'playing', position: 150, anchor: NOW + state.leadMs });
  });

  it('refuses a seek past the end of the song', () => {
    expect(refusal(playing('a'), { type: 'playback:seek', position: 100 }, member('ada'))).toBe(
      ErrorCode.POSITION_OUT_OF_RANGE,
    );
  });

  it('refuses to skip or seek when no song is on', () => {
    expect(refusal(room(['Ada'], songs), { type: 'playback:skip', by: 10 }, member('ada'))).toBe(ErrorCode.PLAYLIST_EMPTY);
    expect(refusal(room(['Ada']), { type: 'playback:seek', position: 1 }, member('ada'))).toBe(ErrorCode.PLAYLIST_EMPTY);
  });
});

describe('stale views', () => {
  it.each([
    ['play', { type: 'playback:play', version: 3 }],
    ['pause', { type: 'playback:pause', version: 3 }],
    ['seek', { type: 'playback:seek', position: 5, version: 3 }],
    ['select', { type: 'playback:select', songId: 'b', version: 3 }],
  ] as const)('refuses %s made against an older version', (_, command) => {
    expect(refusal(playing(), command, member('ada'))).toBe(ErrorCode.STALE_STATE);
  });

  it('accepts a command made against the current version', () => {
    expect(refusal(paused(), { type: 'playback:play', version: 7 }, member('bob'))).toBeUndefined();
  });

  describe('made on the view of a song loading, which has started since', () => {
    /** Song b loading (as everyone's view shows it), then started by the last ready; the view's version and the room. */
    function startedSinceTheView(): { view: number; state: RoomState } {
      const loading = run(playing('a', 50), { type: 'playback:next', fromSongId: 'a' }, member('bob'), NOW).state;
      const ready = run(loading, { type: 'playback:ready', songId: 'b' }, member('ada'), NOW + 300).state;
      const state = run(ready, { type: 'playback:ready', songId: 'b' }, member('bob'), NOW + 400).state;
      expect(state.playback).toMatchObject({ songId: 'b', status: 'playing', version: loading.playback.version + 1 });
      return { view: loading.playback.version, state };
    }

    it.each([
      ['+10 s', { type: 'playback:skip', by: 10 }],
      ['pause', { type: 'playback:pause' }],
      ['seek', { type: 'playback:seek', position: 30 }],
      ['select', { type: 'playback:select', songId: 'c' }],
    ] as const)('accepts %s: the start changed nothing it was made on', (_, command) => {
      const { view, state } = startedSinceTheView();
      expect(refusal(state, { ...command, version: view }, member('ada'))).toBeUndefined();
    });

    it('moves the song that now plays: +10 s pressed while it loaded lands 10 s past where it is heard', () => {
      const { view, state } = startedSinceTheView();
      const at = NOW + 2_000;
      const { playback } = run(state, { type: 'playback:skip', by: 10, version: view }, member('bob'), at).state;
      expect(playback).toMatchObject({ songId: 'b', status: 'playing' });
      expect(playback.position).toBeCloseTo(positionAt(state.playback, at + state.leadMs) + 10, 6);
    });

    it('still lets only the first of two such commands through', () => {
      const { view, state } = startedSinceTheView();
      const first = run(state, { type: 'playback:skip', by: 10, version: view }, member('ada'), NOW + 2_000).state;
      expect(refusal(first, { type: 'playback:skip', by: 10, version: view }, member('bob'), NOW + 2_100)).toBe(ErrorCode.STALE_STATE);
    });

    it('ignores a loading view left over from before a later change (kept by a node that did not know it)', () => {
      const { view, state } = startedSinceTheView();
      const later = { ...state, playback: { ...state.playback, version: state.playback.version + 1 } };
      expect(refusal(later, { type: 'playback:skip', by: 10, version: view }, member('ada'))).toBe(ErrorCode.STALE_STATE);
    });

    it('refuses a view older than the loading one', () => {
      const { view, state } = startedSinceTheView();
      expect(refusal(state, { type: 'playback:skip', by: 10, version: view - 1 }, member('ada'))).toBe(ErrorCode.STALE_STATE);
    });
  });
});

describe('the end of a song', () => {
  it('advances once, however many listeners report the end', () => {
    let state = playing('a', 0);
    const end = NOW + 100_000;
    for (const who of ['ada', 'bob', 'bob', 'ada']) {
      state = run(state, { type: 'playback:ended', fromSongId: 'a' }, member(who), end).state;
    }
    expect(state.playback.songId).toBe('b');
    expect(state.playback.version).toBe(8);
  });

  it('ignores an end report long before the song can have ended', () => {
    expect(run(playing('a', 0), { type: 'playback:ended', fromSongId: 'a' }, member('bob'), NOW + 10_000).events).toEqual([]);
  });

  it('schedules its own advance shortly after the song should end, in case no client reports it', () => {
    const state = paused('a', 40);
    const { state: next, wakeups } = run(state, { type: 'playback:play' }, member('bob'), NOW);
    const endsAt = NOW + state.leadMs + 60_000;
    expect(wakeups).toHaveLength(1);
    expect(wakeups[0]!.at).toBeGreaterThan(endsAt);
    expect(wakeups[0]!.at).toBeLessThanOrEqual(endsAt + 2000);
    expect(wakeups[0]!.command).toEqual({ type: 'playback:ended', fromSongId: 'a', version: next.playback.version });
    expect(run(next, wakeups[0]!.command, 'system', wakeups[0]!.at).state.playback.songId).toBe('b');
  });

  it('ignores its own advance once the playback changed (paused, sought, …)', () => {
    const started = run(paused('a', 40), { type: 'playback:play' }, member('bob'), NOW);
    const pausedAgain = run(started.state, { type: 'playback:pause' }, member('bob'), NOW + 1000).state;
    expect(run(pausedAgain, started.wakeups[0]!.command, 'system', started.wakeups[0]!.at).events).toEqual([]);
  });
});

describe('the ready barrier', () => {
  function loading(): RoomState {
    return run(playing('a', 50), { type: 'playback:next', fromSongId: 'a' }, member('bob'), NOW).state;
  }

  it('starts the song as soon as every present member has loaded it, one lead ahead', () => {
    const afterAda = run(loading(), { type: 'playback:ready', songId: 'b' }, member('ada'), NOW + 300).state;
    expect(afterAda.playback.status).toBe('loading');
    const { state } = run(afterAda, { type: 'playback:ready', songId: 'b' }, member('bob'), NOW + 400);
    expect(state.playback).toMatchObject({ songId: 'b', status: 'playing', position: 0, anchor: NOW + 400 + state.leadMs });
  });

  it('starts without the stragglers when the barrier times out', () => {
    const state = run(loading(), { type: 'playback:ready', songId: 'b' }, member('ada'), NOW + 300).state;
    const expired = run(
      state,
      { type: 'playback:barrier-expired', songId: 'b', version: state.playback.version },
      'system',
      NOW + READY_BARRIER_MS,
    ).state;
    expect(expired.playback.status).toBe('playing');
    expect(positionAt(expired.playback, expired.playback.anchor)).toBe(0);
  });

  it('starts when the last member still loading leaves', () => {
    const state = run(loading(), { type: 'playback:ready', songId: 'b' }, member('ada'), NOW + 300).state;
    expect(run(state, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('bob'), NOW + 500).state.playback.status).toBe('playing');
  });

  it('ignores a ready for another song and a barrier expiry for an older version', () => {
    const state = loading();
    expect(run(state, { type: 'playback:ready', songId: 'a' }, member('ada')).state.readyIds).toEqual([]);
    expect(
      run(state, { type: 'playback:barrier-expired', songId: 'b', version: state.playback.version - 1 }, 'system').events,
    ).toEqual([]);
  });

  it('lets only the system end the barrier', () => {
    const state = loading();
    expect(
      refusal(state, { type: 'playback:barrier-expired', songId: 'b', version: state.playback.version }, member('ada')),
    ).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('the scheduling lead', () => {
  it('is set by the system within its floor and cap', () => {
    const state = room(['Ada']);
    expect(run(state, { type: 'sync:lead', leadMs: 5, source: 'n1' }, 'system').state.leadMs).toBe(80);
    expect(run(state, { type: 'sync:lead', leadMs: 250, source: 'n1' }, 'system').state.leadMs).toBe(250);
    expect(run(state, { type: 'sync:lead', leadMs: 99_999, source: 'n1' }, 'system').state.leadMs).toBe(1000);
  });

  it('covers the slowest member on any node: the largest lead any node asks for, until it needs no more', () => {
    let state = room(['Ada']);
    state = run(state, { type: 'sync:lead', leadMs: 300, source: 'slow-node' }, 'system').state;
    state = run(state, { type: 'sync:lead', leadMs: 120, source: 'fast-node' }, 'system').state;
    expect(state.leadMs).toBe(300);
    state = run(state, { type: 'sync:lead', leadMs: 80, source: 'slow-node' }, 'system').state;
    expect(state.leadMs).toBe(120);
    expect(state.leads).toEqual({ 'fast-node': 120 });
  });

  it('cannot be set by a member, admin or not', () => {
    expect(refusal(room(['Ada']), { type: 'sync:lead', leadMs: 500, source: 'n1' }, member('ada'))).toBe(ErrorCode.FORBIDDEN);
  });
});
