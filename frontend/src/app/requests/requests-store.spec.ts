import { TestBed } from '@angular/core/testing';
import type { ErrorInfo, SongRequest } from '@musync/protocol';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, song, songRequest, type RoomSetup } from '../testing/joined-room';
import { type RequestEntry, RequestsStore } from './requests-store';

/** Lets pending promise callbacks (the acks) run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('RequestsStore', () => {
  let socket: FakeSocket;
  let store: RequestsStore;

  async function joinAs(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, setup);
    store = TestBed.inject(RequestsStore);
  }

  const entry = (id: string): RequestEntry => {
    const found = store.entries().find((r) => r.id === id);
    if (!found) throw new Error(`no request ${id}`);
    return found;
  };

  /** Every request command is answered with the request as it was (the list changes by broadcast). */
  function serverAccepts(requests: readonly SongRequest[]): void {
    for (const event of ['requests:vote', 'requests:withdraw', 'requests:approve', 'requests:reject', 'requests:fulfil'] as const) {
      socket.answer(event, ({ requestId }, ack) => ack({ ok: true, request: requests.find((r) => r.id === requestId)! }));
    }
  }

  function serverRefuses(error: ErrorInfo): void {
    for (const event of ['requests:vote', 'requests:withdraw', 'requests:approve', 'requests:reject', 'requests:fulfil'] as const) {
      socket.answer(event, (_, ack) => ack({ ok: false, error }));
    }
  }

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  it('lists the requests in the order the server sent them, leaving out withdrawn ones', async () => {
    await joinAs({
      requests: [
        songRequest('b', { voterIds: ['p-x', 'p-y'] }),
        songRequest('a', { requesterId: 'p-ada', requester: 'Ada' }),
        songRequest('w', { status: 'withdrawn' }),
        songRequest('r', { status: 'rejected', answer: 'not here' }),
      ],
    });
    expect(store.entries().map((r) => [r.id, r.status, r.votes, r.mine])).toEqual([
      ['b', 'pending', 2, false],
      ['a', 'pending', 0, true],
      ['r', 'rejected', 0, false],
    ]);
    expect(store.pendingCount()).toBe(2);
    expect(entry('a').requester).toBe('Ada');
    expect(entry('r').answer).toBe('not here');
  });

  it('follows every requests:updated', async () => {
    await joinAs({ requests: [songRequest('a')] });
    socket.broadcast('requests:updated', { requests: [songRequest('b'), songRequest('a', { status: 'approved' })] });
    expect(store.entries().map((r) => [r.id, r.status])).toEqual([
      ['b', 'pending'],
      ['a', 'approved'],
    ]);
  });

  describe('asking for a song', () => {
    it('sends the title, and the artist and note only when given, trimmed', async () => {
      await joinAs();
      socket.answer('requests:create', (_, ack) => ack({ ok: true, request: songRequest('n') }));
      await expect(store.create({ title: ' So What ', artist: '  ', note: ' for Grace ' })).resolves.toBe(true);
      await store.create({ title: 'Naima', artist: 'John Coltrane' });
      expect(socket.sentPayloads('requests:create')).toEqual([
        { title: 'So What', note: 'for Grace' },
        { title: 'Naima', artist: 'John Coltrane' },
      ]);
      expect(store.createError()).toBeNull();
    });

    it('sends nothing without a title', async () => {
      await joinAs();
      await expect(store.create({ title: '   ', artist: 'Someone' })).resolves.toBe(false);
      expect(socket.sentPayloads('requests:create')).toEqual([]);
    });

    it("keeps the server's refusal for the form", async () => {
      await joinAs();
      socket.answer('requests:create', (_, ack) =>
        ack({ ok: false, error: { code: 'TOO_MANY_REQUESTS', message: 'You have 5 requests waiting already.' } }),
      );
      await expect(store.create({ title: 'One more' })).resolves.toBe(false);
      expect(store.createError()).toBe('You have 5 requests waiting already.');
      expect(store.creating()).toBe(false);
    });
  });

  describe('+1', () => {
    it("is one vote on someone else's pending request, that stands once taken", async () => {
      const wish = songRequest('g');
      await joinAs({ requests: [wish] });
      serverAccepts([wish]);
      store.vote('g');
      expect(entry('g').busy).toBe(true);
      store.vote('g'); // a double click
      await settle();
      expect(socket.sentPayloads('requests:vote')).toEqual([{ requestId: 'g' }]);
      // Voted, though the broadcast with the new count has not come yet.
      expect(entry('g')).toMatchObject({ voted: true, busy: false });

      socket.broadcast('requests:updated', { requests: [{ ...wish, voterIds: ['p-ada'] }] });
      expect(entry('g')).toMatchObject({ voted: true, votes: 1 });
      store.vote('g');
      expect(socket.sentPayloads('requests:vote')).toHaveLength(1);
    });

    it('is not sent for your own request, one you voted for, or a decided one', async () => {
      await joinAs({
        requests: [
          songRequest('mine', { requesterId: 'p-ada' }),
          songRequest('voted', { voterIds: ['p-ada'] }),
          songRequest('done', { status: 'approved' }),
        ],
      });
      for (const id of ['mine', 'voted', 'done']) store.vote(id);
      expect(socket.sentPayloads('requests:vote')).toEqual([]);
      expect(entry('voted').voted).toBe(true);
    });

    it("shows the server's refusal on the request", async () => {
      await joinAs({ requests: [songRequest('g')] });
      serverRefuses({ code: 'ALREADY_VOTED', message: 'You already voted for this request.' });
      store.vote('g');
      await settle();
      expect(store.refusal()).toEqual({ requestId: 'g', message: 'You already voted for this request.' });
      expect(entry('g')).toMatchObject({ voted: false, busy: false });
    });
  });

  it('withdraws only your own pending request', async () => {
    const mine = songRequest('mine', { requesterId: 'p-ada', requester: 'Ada' });
    await joinAs({ requests: [mine, songRequest('theirs')] });
    serverAccepts([mine]);
    store.withdraw('theirs');
    store.withdraw('mine');
    await settle();
    expect(socket.sentPayloads('requests:withdraw')).toEqual([{ requestId: 'mine' }]);
  });

  describe('the admin', () => {
    const pending = songRequest('p');
    const approved = songRequest('ok', { status: 'approved', answer: 'soon' });

    it('approves with an optional note and rejects with an optional reason', async () => {
      await joinAs({ requests: [pending, songRequest('q')] });
      serverAccepts([pending]);
      store.approve('p', '  tonight ');
      store.reject('q', '   ');
      await settle();
      expect(socket.sentPayloads('requests:approve')).toEqual([{ requestId: 'p', note: 'tonight' }]);
      expect(socket.sentPayloads('requests:reject')).toEqual([{ requestId: 'q' }]);
    });

    it('marks an approved request fulfilled by a playlist song', async () => {
      await joinAs({ requests: [approved, pending], playlist: [song('s1')] });
      serverAccepts([approved]);
      expect(store.approved().map((r) => r.id)).toEqual(['ok']);
      store.fulfil('p', 's1'); // not approved yet
      store.fulfil('ok', 's1');
      await settle();
      expect(socket.sentPayloads('requests:fulfil')).toEqual([{ requestId: 'ok', songId: 's1' }]);

      socket.broadcast('requests:updated', { requests: [{ ...approved, status: 'fulfilled', songId: 's1' }, pending] });
      expect(entry('ok')).toMatchObject({ status: 'fulfilled', song: song('s1') });
    });

    it('a fulfilled request whose song left the playlist names no song', async () => {
      await joinAs({ requests: [songRequest('f', { status: 'fulfilled', songId: 'gone' })], playlist: [song('s1')] });
      expect(entry('f').song).toBeNull();
    });

    it('a listener can neither approve, reject nor fulfil', async () => {
      await joinAs({ me: ADA, admin: GRACE, requests: [pending, approved], playlist: [song('s1')] });
      expect(store.isAdmin()).toBe(false);
      store.approve('p');
      store.reject('p');
      store.fulfil('ok', 's1');
      expect(socket.sent.filter((s) => s.event.startsWith('requests:'))).toEqual([]);
    });

    it("sees the server's refusal on the request", async () => {
      await joinAs({ requests: [pending] });
      serverRefuses({ code: 'REQUEST_DECIDED', message: 'This request was already decided.' });
      store.approve('p');
      await settle();
      expect(store.refusal()).toEqual({ requestId: 'p', message: 'This request was already decided.' });
    });
  });
});
