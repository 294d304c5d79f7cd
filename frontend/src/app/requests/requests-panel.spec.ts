import { TestBed } from '@angular/core/testing';
import type { ClientEventName, SongRequest } from '@musync/protocol';

import { PlaylistPanel } from '../playlist/playlist-panel';
import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, song, songRequest, type RoomSetup } from '../testing/joined-room';
import { Rendered } from '../testing/rendered';
import { RequestsPanel } from './requests-panel';

type RequestEvent = 'requests:vote' | 'requests:withdraw' | 'requests:approve' | 'requests:reject' | 'requests:fulfil';

describe('RequestsPanel', () => {
  let socket: FakeSocket;
  let view: Rendered<RequestsPanel>;
  /** The room's requests as the fake server keeps them. */
  let requests: SongRequest[];

  /** Renders as Ada, a listener (Grace is the admin) unless told otherwise. */
  async function render(setup: RoomSetup = {}): Promise<void> {
    requests = [...(setup.requests ?? [])];
    await joinRoom(socket, { me: ADA, admin: GRACE, ...setup });
    view = new Rendered(RequestsPanel);
    await view.stable();
  }

  /** The server applies `change` to the request named, broadcasts the list and acks. */
  function serverApplies(event: RequestEvent, change: (request: SongRequest, payload: object) => SongRequest): void {
    socket.answer(event, (payload, ack) => {
      requests = requests.map((r) => (r.id === payload.requestId ? change(r, payload) : r));
      socket.broadcast('requests:updated', { requests });
      ack({ ok: true, request: requests.find((r) => r.id === payload.requestId)! });
    });
  }

  const items = (): HTMLElement[] => view.allByTestId('request-item');
  const item = (id: string): HTMLElement => {
    const found = items().find((i) => i.dataset['requestId'] === id);
    if (!found) throw new Error(`no request ${id}`);
    return found;
  };
  const button = (testId: string, within: ParentNode = view.root): HTMLButtonElement => {
    const found = view.byTestId<HTMLButtonElement>(testId, within);
    if (!found) throw new Error(`no ${testId}`);
    return found;
  };
  const sentRequests = (): ClientEventName[] => socket.sent.map((s) => s.event).filter((e) => e.startsWith('requests:'));

  async function fill(testId: string, value: string): Promise<void> {
    const input = view.byTestId<HTMLInputElement>(testId)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
    await view.stable();
  }

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  describe('asking for a song', () => {
    it('needs a title; artist and note are optional and labelled so', async () => {
      await render();
      const send = button('request-send');
      expect(send.disabled).toBe(true);
      expect(view.byTestId('request-title')?.closest('label')?.textContent).toContain('Song');
      expect(view.byTestId('request-artist')?.closest('label')?.textContent).toContain('(optional)');
      expect(view.byTestId('request-note')?.closest('label')?.textContent).toContain('(optional)');
      await fill('request-title', '   ');
      expect(send.disabled).toBe(true);
      await fill('request-title', 'So What');
      expect(send.disabled).toBe(false);
    });

    it('sends the request and empties the form; everyone sees it arrive', async () => {
      await render();
      socket.answer('requests:create', ({ title, artist, note }, ack) => {
        const created = songRequest('new', { title, artist: artist ?? null, note: note ?? null, requesterId: 'p-ada', requester: 'Ada' });
        socket.broadcast('requests:updated', { requests: [created] });
        ack({ ok: true, request: created });
      });
      await fill('request-title', 'So What');
      await fill('request-artist', 'Miles Davis');
      await fill('request-note', 'for the road');
      view.byTestId<HTMLInputElement>('request-title')?.form?.requestSubmit();
      await view.afterAnswers();

      expect(socket.sentPayloads('requests:create')).toEqual([{ title: 'So What', artist: 'Miles Davis', note: 'for the road' }]);
      for (const field of ['request-title', 'request-artist', 'request-note']) {
        expect(view.byTestId<HTMLInputElement>(field)?.value).toBe('');
      }
      const created = item('new');
      expect(created.dataset['status']).toBe('pending');
      expect(created.textContent).toContain('So What');
      expect(created.textContent).toContain('by Miles Davis');
      expect(created.textContent).toContain('for the road');
      expect(view.byTestId('request-requester', created)?.textContent).toBe('Ada');
    });

    it("shows the server's refusal at the form and keeps what was typed", async () => {
      await render();
      socket.answer('requests:create', (_, ack) =>
        ack({ ok: false, error: { code: 'TOO_MANY_REQUESTS', message: 'You have 5 requests waiting already.' } }),
      );
      await fill('request-title', 'Sixth');
      button('request-send').click();
      await view.afterAnswers();
      const error = view.byTestId('request-error');
      expect(error?.getAttribute('role')).toBe('alert');
      expect(error?.textContent).toBe('You have 5 requests waiting already.');
      expect(view.byTestId<HTMLInputElement>('request-title')?.value).toBe('Sixth');
    });
  });

  describe('the list', () => {
    it('says so when nobody has asked for anything yet', async () => {
      await render();
      expect(view.allByTestId('request-item')).toEqual([]);
      expect(view.root.textContent).toContain('No requests yet.');
    });

    it('keeps the server order and shows who asked, when, and the votes', async () => {
      await render({
        requests: [
          songRequest('top', { voterIds: ['p-x', 'p-y'], requester: 'Grace' }),
          songRequest('one', { voterIds: ['p-x'] }),
          songRequest('old', { status: 'rejected', answer: 'not this one', decidedAt: 1 }),
        ],
      });
      expect(items().map((i) => i.dataset['requestId'])).toEqual(['top', 'one', 'old']);
      expect(items().map((i) => view.byTestId('request-votes', i)?.textContent)).toEqual(['2 votes', '1 vote', '0 votes']);
      expect(view.byTestId('request-requester', item('top'))?.textContent).toBe('Grace');
      const time = view.byTestId('request-time', item('top'))!;
      expect(time.getAttribute('datetime')).toBe('2023-11-14T22:13:20.000Z');
      expect(time.textContent).toMatch(/\d{1,2}:\d{2}/);
      expect(view.byTestId('requests-count')?.textContent).toBe('2 waiting');
      expect(view.byTestId('request-status', item('old'))?.textContent).toBe('Rejected');
      expect(view.byTestId('request-answer-text', item('old'))?.textContent).toContain('Reason: not this one');
    });

    it('renders what people typed as inert text', async () => {
      const trick = '<img src=x onerror=alert(1)>';
      await render({ requests: [songRequest('x', { title: trick, artist: '<script>alert(1)</script>', note: trick, requester: trick })] });
      expect(view.root.querySelector('img, script')).toBeNull();
      expect(item('x').querySelector('.title')?.textContent).toBe(trick);
      expect(view.byTestId('request-requester', item('x'))?.textContent).toBe(trick);
    });

    it('+1 counts once: the button is off once you voted, and on your own request', async () => {
      await render({ requests: [songRequest('theirs'), songRequest('mine', { requesterId: 'p-ada', requester: 'Ada' })] });
      serverApplies('requests:vote', (r) => ({ ...r, voterIds: [...r.voterIds, 'p-ada'] }));
      const vote = button('request-vote', item('theirs'));
      expect(vote.disabled).toBe(false);
      expect(button('request-vote', item('mine')).disabled).toBe(true);
      expect(button('request-vote', item('mine')).title).toBe('You asked for this one');

      vote.click();
      vote.click();
      await view.afterAnswers();
      expect(socket.sentPayloads('requests:vote')).toEqual([{ requestId: 'theirs' }]);
      expect(view.byTestId('request-votes', item('theirs'))?.textContent).toBe('1 vote');
      expect(button('request-vote', item('theirs')).disabled).toBe(true);
      expect(button('request-vote', item('theirs')).getAttribute('aria-pressed')).toBe('true');
    });

    it('lets you withdraw your own pending request, and only that', async () => {
      await render({ requests: [songRequest('theirs'), songRequest('mine', { requesterId: 'p-ada', requester: 'Ada' })] });
      serverApplies('requests:withdraw', (r) => ({ ...r, status: 'withdrawn' }));
      expect(view.byTestId('request-withdraw', item('theirs'))).toBeNull();
      button('request-withdraw', item('mine')).click();
      await view.afterAnswers();
      expect(socket.sentPayloads('requests:withdraw')).toEqual([{ requestId: 'mine' }]);
      expect(items().map((i) => i.dataset['requestId'])).toEqual(['theirs']);
    });

    it("shows a refused +1 on the request it was for", async () => {
      await render({ requests: [songRequest('a'), songRequest('b')] });
      socket.answer('requests:vote', (_, ack) =>
        ack({ ok: false, error: { code: 'REQUEST_DECIDED', message: 'This request was already decided.' } }),
      );
      button('request-vote', item('b')).click();
      await view.afterAnswers();
      const error = view.byTestId('request-item-error', item('b'));
      expect(error?.getAttribute('role')).toBe('alert');
      expect(error?.textContent).toBe('This request was already decided.');
      expect(view.byTestId('request-item-error', item('a'))).toBeNull();
    });

    it('gives a listener no admin controls', async () => {
      await render({
        requests: [songRequest('p'), songRequest('ok', { status: 'approved' })],
        playlist: [song('s1')],
      });
      for (const testId of ['request-approve', 'request-reject', 'request-fulfil-select', 'request-fulfil']) {
        expect(view.byTestId(testId)).toBeNull();
      }
    });
  });

  describe('the admin', () => {
    const asAdmin = (setup: RoomSetup = {}): Promise<void> => render({ me: ADA, admin: ADA, ...setup });

    it('approves with a note, typed in a form that opens on the request', async () => {
      await asAdmin({ requests: [songRequest('p')] });
      serverApplies('requests:approve', (r, payload) => ({
        ...r,
        status: 'approved',
        answer: (payload as { note?: string }).note ?? null,
        decidedAt: 2,
      }));
      button('request-approve', item('p')).click();
      await view.stable();
      const note = view.byTestId<HTMLInputElement>('request-answer', item('p'))!;
      expect(document.activeElement).toBe(note);
      expect(note.closest('label')?.textContent).toContain('Note (optional)');
      expect(sentRequests()).toEqual([]);

      note.value = 'tonight, after the jazz set';
      button('request-answer-confirm', item('p')).click();
      await view.afterAnswers();
      expect(socket.sentPayloads('requests:approve')).toEqual([{ requestId: 'p', note: 'tonight, after the jazz set' }]);
      expect(view.byTestId('request-answer')).toBeNull();
      expect(item('p').dataset['status']).toBe('approved');
      expect(view.byTestId('request-status', item('p'))?.textContent).toBe('Approved');
      expect(view.byTestId('request-answer-text', item('p'))?.textContent).toContain('tonight, after the jazz set');
    });

    it('rejects without a reason when none is given', async () => {
      await asAdmin({ requests: [songRequest('p')] });
      serverApplies('requests:reject', (r) => ({ ...r, status: 'rejected', decidedAt: 2 }));
      button('request-reject', item('p')).click();
      await view.stable();
      expect(view.byTestId('request-answer', item('p'))?.closest('label')?.textContent).toContain('Reason (optional)');
      view.byTestId<HTMLInputElement>('request-answer')?.form?.requestSubmit();
      await view.afterAnswers();
      expect(socket.sentPayloads('requests:reject')).toEqual([{ requestId: 'p' }]);
      expect(item('p').dataset['status']).toBe('rejected');
    });

    it('can change their mind: Cancel or Escape closes the form, sends nothing and gives focus back', async () => {
      await asAdmin({ requests: [songRequest('p')] });
      const approve = button('request-approve', item('p'));
      approve.click();
      await view.stable();
      button('request-answer-cancel').click();
      await view.stable();
      expect(view.byTestId('request-answer')).toBeNull();
      expect(document.activeElement).toBe(approve);

      button('request-reject', item('p')).click();
      await view.stable();
      view.byTestId('request-answer')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await view.stable();
      expect(view.byTestId('request-answer')).toBeNull();
      expect(sentRequests()).toEqual([]);
    });

    it('marks an approved request fulfilled by the song picked (the one with its title, to start with)', async () => {
      const playlist = [song('s1', { title: 'Naima' }), song('s2', { title: 'So What' })];
      await asAdmin({ requests: [songRequest('ok', { title: 'so what', status: 'approved' })], playlist });
      serverApplies('requests:fulfil', (r, payload) => ({ ...r, status: 'fulfilled', songId: (payload as { songId: string }).songId }));
      const select = view.byTestId<HTMLSelectElement>('request-fulfil-select', item('ok'))!;
      expect([...select.options].map((o) => o.textContent)).toEqual(['Pick the song…', 'Naima', 'So What']);
      expect(select.value).toBe('s2');

      select.value = 's1';
      select.dispatchEvent(new Event('change'));
      await view.stable();
      button('request-fulfil', item('ok')).click();
      await view.afterAnswers();
      expect(socket.sentPayloads('requests:fulfil')).toEqual([{ requestId: 'ok', songId: 's1' }]);
      expect(item('ok').dataset['status']).toBe('fulfilled');
      expect(view.byTestId('request-song', item('ok'))?.textContent).toContain('Naima');
    });

    it('cannot mark fulfilled before picking a song', async () => {
      await asAdmin({ requests: [songRequest('ok', { status: 'approved' })], playlist: [song('s1')] });
      expect(view.byTestId<HTMLSelectElement>('request-fulfil-select')?.value).toBe('');
      expect(button('request-fulfil').disabled).toBe(true);
    });
  });

  it('a fulfilled request shows its song in the playlist, highlighted, when clicked', async () => {
    await render({
      requests: [songRequest('f', { status: 'fulfilled', songId: 'b' })],
      playlist: [song('a'), song('b', { title: 'Blue in Green' })],
    });
    const playlist = TestBed.createComponent(PlaylistPanel);
    await playlist.whenStable();
    const rows = (): HTMLElement[] => [...(playlist.nativeElement as HTMLElement).querySelectorAll<HTMLElement>('li.entry')];
    const scrolled = jest.fn();
    Object.defineProperty(HTMLElement.prototype, 'scrollIntoView', { configurable: true, value: scrolled });
    try {
      const link = button('request-song', item('f'));
      expect(link.textContent).toContain('Blue in Green');
      link.click();
      await playlist.whenStable();
      expect(rows().map((r) => r.classList.contains('revealed'))).toEqual([false, true]);
      expect(scrolled.mock.contexts).toEqual([rows()[1]?.querySelector('[data-testid="playlist-item"]')]);
      // Looking is not playing.
      expect(socket.sentPayloads('playback:select')).toEqual([]);
    } finally {
      Reflect.deleteProperty(HTMLElement.prototype, 'scrollIntoView');
    }
  });
});
