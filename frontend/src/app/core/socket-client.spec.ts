import { TestBed } from '@angular/core/testing';
import type { PresenceChanged } from '@musync/protocol';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { SocketClient } from './socket-client';

describe('SocketClient', () => {
  let socket: FakeSocket;
  let client: SocketClient;

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    client = TestBed.inject(SocketClient);
  });

  afterEach(() => jest.useRealTimers());

  describe('state', () => {
    it('is offline until the first connection', () => {
      expect(client.state()).toBe('offline');
      socket.serverAccepts();
      expect(client.state()).toBe('connected');
    });

    it('is reconnecting after losing an established connection, and connected again after', () => {
      socket.serverAccepts();
      socket.connectionLost();
      expect(client.state()).toBe('reconnecting');
      socket.serverAccepts();
      expect(client.state()).toBe('connected');
    });

    it('is offline when the first connection attempt fails', () => {
      socket.connectAttemptFails();
      expect(client.state()).toBe('offline');
    });

    it('is offline once the socket stops retrying', () => {
      socket.serverAccepts();
      socket.serverCloses();
      expect(client.state()).toBe('offline');
    });

    it('is offline while the browser reports no network', () => {
      socket.serverAccepts();
      window.dispatchEvent(new Event('offline'));
      expect(client.state()).toBe('offline');
      window.dispatchEvent(new Event('online'));
      expect(client.state()).toBe('connected');
    });
  });

  it('announces every connection, including reconnections', () => {
    let connects = 0;
    client.connects.subscribe(() => connects++);
    socket.serverAccepts();
    socket.connectionLost();
    socket.serverAccepts();
    expect(connects).toBe(2);
  });

  describe('request', () => {
    it('resolves with the server ack', async () => {
      socket.serverAccepts();
      socket.answer('time:ping', ({ t0 }, ack) => ack({ ok: true, t0, t1: 5, t2: 6 }));
      await expect(client.request('time:ping', { t0: 1 })).resolves.toEqual({ ok: true, t0: 1, t1: 5, t2: 6 });
      expect(socket.sentPayloads('time:ping')).toEqual([{ t0: 1 }]);
    });

    it('fails with TIMEOUT when no ack arrives in time', async () => {
      jest.useFakeTimers();
      socket.serverAccepts();
      const result = client.request('time:ping', { t0: 1 }, 1000);
      await jest.advanceTimersByTimeAsync(1000);
      await expect(result).resolves.toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    });

    it('fails with NOT_CONNECTED without sending while disconnected', async () => {
      await expect(client.request('time:ping', { t0: 1 })).resolves.toMatchObject({
        ok: false,
        error: { code: 'NOT_CONNECTED' },
      });
      expect(socket.sent).toEqual([]);
    });

    it('fails with NOT_CONNECTED when the connection drops before the ack', async () => {
      socket.serverAccepts();
      const result = client.request('time:ping', { t0: 1 });
      socket.connectionLost();
      await expect(result).resolves.toMatchObject({ ok: false, error: { code: 'NOT_CONNECTED' } });
    });
  });

  it('delivers broadcasts until the subscription ends', () => {
    const received: PresenceChanged[] = [];
    const subscription = client.on('presence:changed').subscribe((p) => received.push(p));
    socket.broadcast('presence:changed', { adminId: null });
    subscription.unsubscribe();
    socket.broadcast('presence:changed', { adminId: null });
    expect(received).toEqual([{ adminId: null, since: 0, rev: 1 }]);
  });

  it('hands out the events of a batch to their listeners, in the order sent, as if each came alone', () => {
    const received: string[] = [];
    client.on('presence:changed').subscribe((p) => received.push(`presence ${p.rev}`));
    client.on('skip:updated').subscribe((s) => received.push(`skip ${s.rev}`));
    const other = client.on('chat:line').subscribe((l) => received.push(`line ${l.rev}`));
    other.unsubscribe();
    socket.broadcast('presence:changed', { adminId: null });
    socket.batch(() => {
      socket.broadcast('skip:updated', { songId: null, voterIds: [], needed: 1 });
      socket.broadcast('presence:changed', { adminId: 'm1' });
      socket.broadcast('chat:line', { kind: 'notice', id: 'l1', at: 1, notice: { type: 'joined', name: 'Ann' } });
      socket.broadcast('skip:updated', { songId: null, voterIds: ['m1'], needed: 1 });
    });
    socket.broadcast('presence:changed', { adminId: null });
    expect(received).toEqual(['presence 1', 'skip 2', 'presence 3', 'skip 5', 'presence 6']);
  });
});
