import { ErrorCode, type SkipThreshold, type SkipVotes } from '@musync/protocol';

import { joining, member, refusal, room, run, song } from './room.spec-kit.js';
import type { RoomCommand, RoomResult, RoomState } from './room.state.js';
import { skipVotesOf } from './skip.rules.js';

const NOW = 100_000;
const songs = [song('a', 100), song('b', 200), song('c', 300)];

const voteFor = (songId: string): RoomCommand => ({ type: 'playback:vote-skip', songId });

/** `names` in a room with songs a, b, c, song `songId` playing, and the given threshold. */
function playing(names: string[], songId = 'a', skipThreshold: SkipThreshold = 'majority'): RoomState {
  const state = room(names, songs);
  return {
    ...state,
    settings: { ...state.settings, skipThreshold },
    playback: { songId, status: 'playing', position: 10, anchor: NOW, version: 7 },
  };
}

/** Applies the votes of `voters` (member ids) in turn. */
function votes(state: RoomState, songId: string, voters: string[]): RoomResult {
  let result: RoomResult = { state, events: [], wakeups: [] };
  for (const voter of voters) result = run(result.state, voteFor(songId), member(voter), NOW);
  return result;
}

function skipUpdates(result: RoomResult): SkipVotes[] {
  return result.events.flatMap((e) => (e.name === 'skip:updated' ? [e.payload] : []));
}

describe('vote to skip: the threshold', () => {
  it('needs more than half of the people present by default', () => {
    expect(skipVotesOf(playing(['Ada', 'Bob'])).needed).toBe(2);
    expect(skipVotesOf(playing(['Ada', 'Bob', 'Cy'])).needed).toBe(2);
    expect(skipVotesOf(playing(['Ada', 'Bob', 'Cy', 'Dee'])).needed).toBe(3);
  });

  it('counts people, not their tabs', () => {
    const state = run(playing(['Ada', 'Bob']), joining('Bob'), member('bob-2')).state;
    expect(skipVotesOf(state).needed).toBe(2);
  });

  it('needs exactly the number the admin set', () => {
    expect(skipVotesOf(playing(['Ada', 'Bob', 'Cy'], 'a', 3)).needed).toBe(3);
  });

  it('lets the admin turn it off or set a number, and tells everyone the new count', () => {
    const off = run(playing(['Ada', 'Bob']), { type: 'room:configure', skipThreshold: 'off' }, member('ada'));
    expect(off.state.settings).toEqual({ control: 'everyone', skipThreshold: 'off', addSongs: 'admin', waitForCopies: false });
    expect(skipUpdates(off)).toEqual([{ songId: 'a', voterIds: [], needed: null }]);
    const five = run(off.state, { type: 'room:configure', skipThreshold: 5 }, member('ada'));
    expect(skipUpdates(five)).toEqual([{ songId: 'a', voterIds: [], needed: 5 }]);
    expect(five.state.settings.control).toBe('everyone'); // a partial change keeps the rest
  });

  it('refuses a threshold change by a non-admin', () => {
    expect(refusal(playing(['Ada', 'Bob']), { type: 'room:configure', skipThreshold: 'off' }, member('bob'))).toBe(
      ErrorCode.NOT_ADMIN,
    );
  });
});

describe('vote to skip: voting', () => {
  it('records a vote by person and tells everyone', () => {
    const result = votes(playing(['Ada', 'Bob', 'Cy']), 'a', ['bob']);
    expect(skipVotesOf(result.state)).toEqual({ songId: 'a', voterIds: ['person-bob'], needed: 2 });
    expect(result.events).toEqual([{ name: 'skip:updated', payload: { songId: 'a', voterIds: ['person-bob'], needed: 2 } }]);
  });

  it('refuses a second vote by the same person, also from another tab or after a reload', () => {
    const voted = votes(playing(['Ada', 'Bob', 'Cy']), 'a', ['bob']).state;
    expect(refusal(voted, voteFor('a'), member('bob'))).toBe(ErrorCode.ALREADY_VOTED);
    const secondTab = run(voted, joining('Bob'), member('bob-2')).state;
    expect(refusal(secondTab, voteFor('a'), member('bob-2'))).toBe(ErrorCode.ALREADY_VOTED);
  });

  it('refuses a vote for a song that is no longer on', () => {
    expect(refusal(playing(['Ada', 'Bob']), voteFor('b'), member('bob'))).toBe(ErrorCode.STALE_STATE);
  });

  it('refuses votes while voting is off, and when no song is on', () => {
    expect(refusal(playing(['Ada', 'Bob'], 'a', 'off'), voteFor('a'), member('bob'))).toBe(ErrorCode.VOTE_SKIP_OFF);
    expect(refusal(room(['Ada', 'Bob']), voteFor('a'), member('bob'))).toBe(ErrorCode.VOTE_SKIP_OFF);
  });

  it('refuses someone not in the room', () => {
    expect(refusal(playing(['Ada', 'Bob']), voteFor('a'), member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });

  it('lets everyone vote in a room where only the admin controls playback', () => {
    const restricted = playing(['Ada', 'Bob', 'Cy']);
    const state = { ...restricted, settings: { ...restricted.settings, control: 'admin' as const } };
    expect(refusal(state, voteFor('a'), member('bob'))).toBeUndefined();
  });
});

describe('vote to skip: reaching the threshold', () => {
  it('skips to the next song once, says so in the chat, and starts the count afresh', () => {
    const result = votes(playing(['Ada', 'Bob', 'Cy']), 'a', ['bob', 'cy']);
    expect(result.state.playback).toMatchObject({ songId: 'b', status: 'loading', position: 0 });
    expect(result.state.chat.at(-1)).toMatchObject({ kind: 'notice', notice: { type: 'skipped', title: 'Song a', votes: 2 } });
    expect(skipVotesOf(result.state)).toEqual({ songId: 'b', voterIds: [], needed: 2 });
    expect(result.events.map((e) => e.name)).toEqual(['playback:updated', 'chat:line', 'skip:updated']);
    // The third vote was cast for the song that is gone: it changes nothing.
    expect(refusal(result.state, voteFor('a'), member('ada'))).toBe(ErrorCode.STALE_STATE);
  });

  it('skips at exactly the number set', () => {
    const three = playing(['Ada', 'Bob', 'Cy', 'Dee'], 'a', 3);
    expect(votes(three, 'a', ['bob', 'cy']).state.playback.songId).toBe('a');
    expect(votes(three, 'a', ['bob', 'cy', 'dee']).state.playback.songId).toBe('b');
  });

  it('skips the last song the way next does: rewound to the first, paused', () => {
    const result = votes(playing(['Ada', 'Bob'], 'c'), 'c', ['ada', 'bob']);
    expect(result.state.playback).toMatchObject({ songId: 'a', status: 'paused', position: 0 });
  });

  it('skips when someone leaves and the rest now reach the majority', () => {
    const voted = votes(playing(['Ada', 'Bob', 'Cy', 'Dee']), 'a', ['bob', 'cy']).state; // 2 of the 3 needed
    const left = run(voted, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('dee'));
    expect(left.state.playback.songId).toBe('b');
    expect(left.state.chat.at(-1)).toMatchObject({ notice: { type: 'skipped', votes: 2 } });
  });

  it('drops the vote of someone who left, and does not skip on it', () => {
    const voted = votes(playing(['Ada', 'Bob', 'Cy']), 'a', ['bob']).state;
    const left = run(voted, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('bob'));
    expect(left.state.playback.songId).toBe('a');
    expect(skipUpdates(left)).toEqual([{ songId: 'a', voterIds: [], needed: 2 }]);
  });

  it('skips when the admin lowers the threshold to the votes already cast', () => {
    const voted = votes(playing(['Ada', 'Bob', 'Cy', 'Dee']), 'a', ['bob']).state;
    const lowered = run(voted, { type: 'room:configure', skipThreshold: 1 }, member('ada'));
    expect(lowered.state.playback.songId).toBe('b');
  });
});

describe('vote to skip: every song change starts the count afresh', () => {
  const voted = (): RoomState => votes(playing(['Ada', 'Bob', 'Cy', 'Dee']), 'a', ['bob']).state;

  it.each<[string, RoomCommand]>([
    ['next', { type: 'playback:next', fromSongId: 'a' }],
    ['select', { type: 'playback:select', songId: 'c' }],
    ['select of the same song (it restarts)', { type: 'playback:select', songId: 'a' }],
    ['removing the song', { type: 'playlist:remove', songId: 'a' }],
  ])('%s', (_, command) => {
    const result = run(voted(), command, member('ada'), NOW);
    expect(result.state.skipVotes).toEqual([]);
    expect(skipUpdates(result)).toEqual([{ songId: result.state.playback.songId, voterIds: [], needed: 3 }]);
  });

  it('the song ending by itself', () => {
    const result = run(voted(), { type: 'playback:ended', fromSongId: 'a', version: 7 }, 'system', NOW + 200_000);
    expect(result.state.playback.songId).toBe('b');
    expect(result.state.skipVotes).toEqual([]);
  });

  it('previous, back to the song before', () => {
    const onB = votes(playing(['Ada', 'Bob', 'Cy', 'Dee'], 'b'), 'b', ['bob']).state;
    const result = run(onB, { type: 'playback:previous', fromSongId: 'b' }, member('ada'), NOW - 9000); // 1 s into b
    expect(result.state.playback.songId).toBe('a');
    expect(result.state.skipVotes).toEqual([]);
  });

  it.each<[string, RoomCommand]>([
    ['±10 s', { type: 'playback:skip', by: 10 }],
    ['a seek', { type: 'playback:seek', position: 50 }],
    ['previous restarting the song', { type: 'playback:previous', fromSongId: 'a' }],
    ['pause', { type: 'playback:pause' }],
  ])('but not %s: a jump within the song keeps the votes', (_, command) => {
    const result = run(voted(), command, member('ada'), NOW);
    expect(result.state.playback.songId).toBe('a');
    expect(result.state.skipVotes).toEqual(['person-bob']);
    expect(skipUpdates(result)).toEqual([]);
  });
});
