import { ErrorCode, REQUESTS_KEPT, REQUESTS_PENDING_PER_PERSON, type SongRequest } from '@musync/protocol';

import type { RequestsCommand } from './requests.rules.js';
import { joining, member, refusal, room, run, song } from './room.spec-kit.js';
import type { RoomState } from './room.state.js';

const NOW = 200_000;

const create = (requestId: string, title = `Title ${requestId}`): RequestsCommand => ({
  type: 'requests:create',
  requestId,
  title,
  artist: null,
  note: null,
});
const vote = (requestId: string): RequestsCommand => ({ type: 'requests:vote', requestId });
const withdraw = (requestId: string): RequestsCommand => ({ type: 'requests:withdraw', requestId });
const approve = (requestId: string, note: string | null = null): RequestsCommand => ({ type: 'requests:approve', requestId, note });
const reject = (requestId: string, reason: string | null = null): RequestsCommand => ({ type: 'requests:reject', requestId, reason });
const fulfil = (requestId: string, songId = 's1'): RequestsCommand => ({ type: 'requests:fulfil', requestId, songId });

/** Ada (admin), Bob and Cy, song s1 in the playlist, and Bob's pending request r1. */
function withRequest(): RoomState {
  return run(room(['Ada', 'Bob', 'Cy'], [song('s1')]), create('r1', 'Blue Monday'), member('bob'), NOW).state;
}

function requestIn(state: RoomState, id = 'r1'): SongRequest | undefined {
  return state.requests.find((r) => r.id === id);
}

describe('making a request', () => {
  it('records who asked and when, pending, and tells everyone the whole list', () => {
    const command: RequestsCommand = { type: 'requests:create', requestId: 'r1', title: 'Blue Monday', artist: 'New Order', note: 'for Cy' };
    const { state, events } = run(room(['Ada', 'Bob']), command, member('bob'), NOW);
    expect(state.requests).toEqual([
      {
        id: 'r1',
        title: 'Blue Monday',
        artist: 'New Order',
        note: 'for Cy',
        requesterId: 'person-bob',
        requester: 'Bob',
        at: NOW,
        status: 'pending',
        voterIds: [],
        answer: null,
        decidedAt: null,
        songId: null,
      },
    ]);
    expect(events).toEqual([{ name: 'requests:updated', payload: { requests: state.requests } }]);
  });

  it('lets the admin ask too', () => {
    expect(refusal(room(['Ada']), create('r1'), member('ada'))).toBeUndefined();
  });

  it('refuses someone not in the room', () => {
    expect(refusal(room(['Ada']), create('r1'), member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });

  it(`allows ${REQUESTS_PENDING_PER_PERSON} pending requests per person, counted by person across tabs`, () => {
    let state = room(['Ada', 'Bob']);
    for (let i = 0; i < REQUESTS_PENDING_PER_PERSON; i++) state = run(state, create(`r${i}`), member('bob')).state;
    expect(refusal(state, create('one-more'), member('bob'))).toBe(ErrorCode.TOO_MANY_REQUESTS);
    const secondTab = run(state, joining('Bob'), member('bob-2')).state;
    expect(refusal(secondTab, create('one-more'), member('bob-2'))).toBe(ErrorCode.TOO_MANY_REQUESTS);
    // An answer frees a place.
    const answered = run(state, reject('r0'), member('ada')).state;
    expect(refusal(answered, create('one-more'), member('bob'))).toBeUndefined();
  });

  it(`keeps at most ${REQUESTS_KEPT} requests, forgetting the longest-decided first`, () => {
    let state = room(['Ada']);
    for (let i = 0; i < REQUESTS_KEPT; i++) {
      state = run(state, create(`r${i}`), member('ada'), NOW + i).state;
      state = run(state, reject(`r${i}`), member('ada'), NOW + 1000 - i).state; // r0 decided last
    }
    state = run(state, create('new'), member('ada'), NOW + 2000).state;
    expect(state.requests).toHaveLength(REQUESTS_KEPT);
    expect(requestIn(state, 'new')).toBeDefined();
    expect(requestIn(state, `r${REQUESTS_KEPT - 1}`)).toBeUndefined(); // decided first
    expect(requestIn(state, 'r0')).toBeDefined();
  });

  it('refuses a new request when the room is full of pending ones', () => {
    const people = Array.from({ length: REQUESTS_KEPT / REQUESTS_PENDING_PER_PERSON }, (_, i) => `P${i}`);
    let state = room([...people, 'Late']);
    for (const name of people) {
      for (let i = 0; i < REQUESTS_PENDING_PER_PERSON; i++) state = run(state, create(`${name}-${i}`), member(name.toLowerCase())).state;
    }
    expect(refusal(state, create('late'), member('late'))).toBe(ErrorCode.TOO_MANY_REQUESTS);
  });
});

describe('+1', () => {
  it('counts one vote per person and re-sorts the list by votes', () => {
    const two = run(withRequest(), create('r2', 'Second'), member('cy'), NOW + 1).state;
    const { state, events } = run(two, vote('r2'), member('ada'));
    expect(requestIn(state, 'r2')?.voterIds).toEqual(['person-ada']);
    expect(events).toEqual([{ name: 'requests:updated', payload: { requests: [requestIn(state, 'r2'), requestIn(state, 'r1')] } }]);
  });

  it('refuses a second vote by the same person, also from another tab', () => {
    const voted = run(withRequest(), vote('r1'), member('cy')).state;
    expect(refusal(voted, vote('r1'), member('cy'))).toBe(ErrorCode.ALREADY_VOTED);
    const secondTab = run(voted, joining('Cy'), member('cy-2')).state;
    expect(refusal(secondTab, vote('r1'), member('cy-2'))).toBe(ErrorCode.ALREADY_VOTED);
  });

  it('refuses the requester’s own +1: their ask already counts', () => {
    expect(refusal(withRequest(), vote('r1'), member('bob'))).toBe(ErrorCode.ALREADY_VOTED);
  });

  it('refuses votes for an unknown or decided request', () => {
    expect(refusal(withRequest(), vote('nope'), member('cy'))).toBe(ErrorCode.REQUEST_NOT_FOUND);
    const approved = run(withRequest(), approve('r1'), member('ada')).state;
    expect(refusal(approved, vote('r1'), member('cy'))).toBe(ErrorCode.REQUEST_DECIDED);
  });
});

describe('withdrawing', () => {
  it('lets the requester take back a pending request', () => {
    const { state, events } = run(withRequest(), withdraw('r1'), member('bob'), NOW + 5);
    expect(requestIn(state)).toMatchObject({ status: 'withdrawn', decidedAt: NOW + 5 });
    expect(events.map((e) => e.name)).toEqual(['requests:updated']);
  });

  it('refuses anyone else, the admin included', () => {
    expect(refusal(withRequest(), withdraw('r1'), member('cy'))).toBe(ErrorCode.NOT_REQUESTER);
    expect(refusal(withRequest(), withdraw('r1'), member('ada'))).toBe(ErrorCode.NOT_REQUESTER);
  });

  it('refuses an unknown request and one already decided', () => {
    expect(refusal(withRequest(), withdraw('nope'), member('bob'))).toBe(ErrorCode.REQUEST_NOT_FOUND);
    const rejected = run(withRequest(), reject('r1'), member('ada')).state;
    expect(refusal(rejected, withdraw('r1'), member('bob'))).toBe(ErrorCode.REQUEST_DECIDED);
  });
});

describe('the admin’s answer', () => {
  it('approves with a note, tells everyone and says so in the chat', () => {
    const { state, events } = run(withRequest(), approve('r1', 'tonight'), member('ada'), NOW + 10);
    expect(requestIn(state)).toMatchObject({ status: 'approved', answer: 'tonight', decidedAt: NOW + 10 });
    expect(events.map((e) => e.name)).toEqual(['requests:updated', 'chat:line']);
    expect(state.chat.at(-1)).toMatchObject({
      kind: 'notice',
      notice: { type: 'request-approved', title: 'Blue Monday', note: 'tonight' },
    });
  });

  it('rejects with an optional reason, and says so in the chat', () => {
    const { state } = run(withRequest(), reject('r1'), member('ada'));
    expect(requestIn(state)).toMatchObject({ status: 'rejected', answer: null });
    expect(state.chat.at(-1)).toMatchObject({ notice: { type: 'request-rejected', title: 'Blue Monday', reason: null } });
  });

  it.each([
    ['approve', approve('r1')],
    ['reject', reject('r1')],
    ['fulfil', fulfil('r1')],
  ])('refuses a non-admin who tries to %s, even for an unknown request', (_, command) => {
    const before = withRequest();
    expect(refusal(before, command, member('bob'))).toBe(ErrorCode.NOT_ADMIN);
    expect(refusal(before, { ...command, requestId: 'nope' }, member('cy'))).toBe(ErrorCode.NOT_ADMIN);
    expect(requestIn(before)?.status).toBe('pending');
  });

  it.each([
    ['approve', approve('nope')],
    ['reject', reject('nope')],
    ['fulfil', fulfil('nope')],
  ])('refuses to %s an unknown request', (_, command) => {
    expect(refusal(withRequest(), command, member('ada'))).toBe(ErrorCode.REQUEST_NOT_FOUND);
  });

  it.each(['approved', 'rejected', 'withdrawn', 'fulfilled'] as const)('refuses to approve or reject a request already %s', (status) => {
    const decided = { ...withRequest(), requests: [{ ...requestIn(withRequest())!, status }] };
    expect(refusal(decided, approve('r1'), member('ada'))).toBe(ErrorCode.REQUEST_DECIDED);
    expect(refusal(decided, reject('r1'), member('ada'))).toBe(ErrorCode.REQUEST_DECIDED);
  });
});

describe('fulfilling', () => {
  it('marks an approved request fulfilled by a playlist song, keeping the admin’s note', () => {
    const approved = run(withRequest(), approve('r1', 'soon'), member('ada')).state;
    const { state } = run(approved, fulfil('r1', 's1'), member('ada'), NOW + 20);
    expect(requestIn(state)).toMatchObject({ status: 'fulfilled', songId: 's1', answer: 'soon', decidedAt: NOW + 20 });
    expect(state.chat.at(-1)).toMatchObject({ notice: { type: 'request-fulfilled', title: 'Blue Monday' } });
  });

  it('fulfils a pending request directly (uploading it is the answer)', () => {
    expect(requestIn(run(withRequest(), fulfil('r1'), member('ada')).state)).toMatchObject({ status: 'fulfilled' });
  });

  it('refuses a song that is not in the playlist', () => {
    expect(refusal(withRequest(), fulfil('r1', 'unknown-song'), member('ada'))).toBe(ErrorCode.SONG_NOT_FOUND);
  });

  it.each(['rejected', 'withdrawn', 'fulfilled'] as const)('refuses a request already %s', (status) => {
    const decided = { ...withRequest(), requests: [{ ...requestIn(withRequest())!, status }] };
    expect(refusal(decided, fulfil('r1'), member('ada'))).toBe(ErrorCode.REQUEST_DECIDED);
  });
});
