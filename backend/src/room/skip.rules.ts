import { ErrorCode, type SkipVotes } from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { withNotice } from './chat.rules.js';
import { advance, currentSong } from './playback.rules.js';
import { partsChanged, requireMember, type RoomResult, type RoomState, type Rules } from './room.state.js';

export interface SkipCommand {
  readonly type: 'playback:vote-skip';
  readonly songId: string;
}

/**
 * Vote to skip: anyone present may vote once per song (per person, so a reload
 * is not a second vote), whoever controls playback. The vote only records; the
 * count, the skip and the broadcast happen in `settleSkip`, after every command.
 */
export const skipRules: Rules<SkipCommand> = {
  'playback:vote-skip': (state, command, actor) => {
    const member = requireMember(state, actor);
    if (neededVotes(state) === null) throw new DomainError(ErrorCode.VOTE_SKIP_OFF, 'Vote to skip is off in this room.');
    if (state.playback.songId === null) throw new DomainError(ErrorCode.VOTE_SKIP_OFF, 'No song is on to skip.');
    if (command.songId !== state.playback.songId) {
      throw new DomainError(ErrorCode.STALE_STATE, 'That song is no longer on; the vote is for the song playing now.');
    }
    if (state.skipVotes.includes(member.personId)) {
      throw new DomainError(ErrorCode.ALREADY_VOTED, 'You already voted to skip this song.');
    }
    return { state: { ...state, skipVotes: [...state.skipVotes, member.personId] }, events: [], wakeups: [] };
  },
};

/** The vote as everyone sees it. */
export function skipVotesOf(state: RoomState): SkipVotes {
  return { songId: state.playback.songId, voterIds: state.skipVotes, needed: neededVotes(state) };
}

/**
 * Re-counts the vote after any command: only people still present count, and
 * when the votes reach the threshold (a vote came, someone left, the admin
 * lowered it) the song advances exactly as `next` would, once — the song change
 * clears the votes. Tells the room whenever the vote as it sees it changed.
 */
export function settleSkip(before: RoomState, result: RoomResult, now: number): RoomResult {
  // The vote was settled after the last change; only these parts can unsettle it (a chat line cannot).
  if (!partsChanged(before, result.state, ['members', 'skipVotes', 'settings', 'playlist', 'playback'])) return result;
  const present = presentPeople(result.state);
  const votes = result.state.skipVotes.filter((personId) => present.has(personId));
  let settled: RoomResult =
    votes.length === result.state.skipVotes.length ? result : { ...result, state: { ...result.state, skipVotes: votes } };
  const needed = neededVotes(settled.state);
  const song = currentSong(settled.state);
  if (song && needed !== null && votes.length >= needed) {
    const skipped = advance(settled.state, now);
    settled = withNotice(
      {
        state: skipped.state,
        events: [...settled.events, ...skipped.events],
        wakeups: [...settled.wakeups, ...skipped.wakeups],
      },
      { type: 'skipped', title: song.title, votes: votes.length },
      now,
    );
  }
  const was = skipVotesOf(before);
  const is = skipVotesOf(settled.state);
  const same =
    was.songId === is.songId &&
    was.needed === is.needed &&
    was.voterIds.length === is.voterIds.length &&
    was.voterIds.every((id, i) => id === is.voterIds[i]);
  return same ? settled : { ...settled, events: [...settled.events, { name: 'skip:updated', payload: is }] };
}

/** 'majority': more than half of the people present (distinct persons, not tabs); a number: that many. */
function neededVotes(state: RoomState): number | null {
  const threshold = state.settings.skipThreshold;
  if (threshold === 'off') return null;
  if (threshold === 'majority') return Math.floor(presentPeople(state).size / 2) + 1;
  return threshold;
}

function presentPeople(state: RoomState): Set<string> {
  return new Set(state.members.map((m) => m.personId));
}
