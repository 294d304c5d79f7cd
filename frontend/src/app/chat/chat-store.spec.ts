import { TestBed } from '@angular/core/testing';

import { RoomSession } from '../core/room-session';
import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, message, notice, type RoomSetup } from '../testing/joined-room';
import { ChatStore } from './chat-store';

describe('ChatStore', () => {
  let socket: FakeSocket;
  let store: ChatStore;

  async function joinAs(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, setup);
    store = TestBed.inject(ChatStore);
  }

  /** The server takes every line from Ada and hands it back as sent, stamped, and broadcast to the room. */
  function serverTakesLines(): void {
    let n = 0;
    socket.answer('chat:send', ({ text }, ack) => {
      const line = message(`sent-${++n}`, text, { at: 1_700_000_100_000 + n });
      socket.broadcast('chat:line', line);
      ack({ ok: true, line });
    });
  }

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  it('shows a newcomer the history from the join, notices worded, its own lines marked', async () => {
    await joinAs({
      chat: [
        notice('l1', { type: 'joined', name: 'Grace' }),
        message('l2', 'Hi all', { personId: 'p-grace', name: 'Grace', admin: true }),
        message('l3', 'Hello Grace'),
        notice('l4', { type: 'request-rejected', title: 'Baby Shark', reason: 'not today' }),
      ],
    });
    expect(store.lines().map(({ kind, author, admin, mine, text }) => ({ kind, author, admin, mine, text }))).toEqual([
      { kind: 'notice', author: null, admin: false, mine: false, text: 'Grace joined' },
      { kind: 'message', author: 'Grace', admin: true, mine: false, text: 'Hi all' },
      { kind: 'message', author: 'Ada', admin: false, mine: true, text: 'Hello Grace' },
      { kind: 'notice', author: null, admin: false, mine: false, text: 'The request for "Baby Shark" was rejected: not today' },
    ]);
    expect(store.lines()[0]?.time.iso).toBe('2023-11-14T22:13:20.000Z');
  });

  it('sends a line trimmed, and shows it once though both the ack and the broadcast carry it', async () => {
    await joinAs();
    serverTakesLines();
    await expect(store.send('  hello there  ')).resolves.toBe(true);
    expect(socket.sentPayloads('chat:send')).toEqual([{ text: 'hello there' }]);
    expect(store.lines().map((l) => l.text)).toEqual(['hello there']);
    expect(store.error()).toBeNull();
  });

  it('sends nothing for an empty or blank line, nor a second one while the first awaits its answer', async () => {
    await joinAs();
    await expect(store.send('   ')).resolves.toBe(false);
    socket.answer('chat:send', () => undefined); // never answered
    void store.send('one');
    expect(store.sending()).toBe(true);
    await expect(store.send('two')).resolves.toBe(false);
    expect(socket.sentPayloads('chat:send')).toEqual([{ text: 'one' }]);
  });

  it("keeps the server's refusal until the next line goes out", async () => {
    await joinAs();
    socket.answer('chat:send', (_, ack) =>
      ack({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down: 5 messages in 5 seconds at most.' } }),
    );
    await expect(store.send('spam')).resolves.toBe(false);
    expect(store.error()).toBe('Slow down: 5 messages in 5 seconds at most.');
    expect(store.sending()).toBe(false);
    expect(store.lines()).toEqual([]);

    serverTakesLines();
    await store.send('calmer now');
    expect(store.error()).toBeNull();
  });

  it('says when the connection is gone instead of failing silently', async () => {
    await joinAs();
    socket.connectionLost();
    await store.send('anyone?');
    expect(store.error()).toBe('Not connected to the server.');
  });

  it('receives what others write', async () => {
    await joinAs({ me: ADA, admin: GRACE });
    socket.broadcast('chat:line', message('g1', 'psst', { personId: 'p-grace', name: 'Grace', admin: true }));
    expect(store.lines().at(-1)).toMatchObject({ author: 'Grace', admin: true, mine: false, text: 'psst' });
  });

  describe('unread lines', () => {
    it('counts the lines after the newest one the reader saw', async () => {
      await joinAs({ chat: [message('l1', 'a'), message('l2', 'b')] });
      store.markRead();
      expect(store.unread()).toBe(0);
      socket.broadcast('chat:line', message('l3', 'c'));
      socket.broadcast('chat:line', notice('l4', { type: 'left', name: 'Grace' }));
      expect(store.unread()).toBe(2);
      store.markRead();
      expect(store.unread()).toBe(0);
    });

    it('still counts right when the line read last fell off the kept history (by time)', async () => {
      await joinAs({ chat: [message('old', 'a', { at: 10 })] });
      store.markRead();
      for (let i = 1; i <= 205; i++) socket.broadcast('chat:line', message(`n${i}`, `line ${i}`, { at: 10 + i }));
      expect(TestBed.inject(RoomSession).chat().some((l) => l.id === 'old')).toBe(false);
      expect(store.unread()).toBe(200);
    });
  });
});
