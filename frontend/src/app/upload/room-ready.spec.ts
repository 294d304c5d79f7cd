import { Injector, runInInjectionContext } from '@angular/core';
import { TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { ADA, joinRoom } from '../testing/joined-room';
import { injectRoomReady } from './room-ready';

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('injectRoomReady', () => {
  let socket: FakeSocket;
  let ready: () => Promise<void>;
  let resolved: boolean;

  function whenReady(): void {
    resolved = false;
    void ready().then(() => (resolved = true));
  }

  beforeEach(async () => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    await joinRoom(socket);
    ready = runInInjectionContext(TestBed.inject(Injector), injectRoomReady);
  });

  it('is ready at once while connected and in the room', async () => {
    whenReady();
    await settle();
    expect(resolved).toBe(true);
  });

  it('after a reconnect, waits for the room to take this client back', async () => {
    socket.connectionLost();
    whenReady();
    let answerJoin: (() => void) | undefined;
    socket.answer('room:join', (_, ack) => {
      answerJoin = () => ack(quietJoin(ADA.id, { roomId: 'lobby', members: [ADA], adminId: ADA.id }));
    });

    socket.serverAccepts();
    await settle();
    expect(resolved).toBe(false);

    answerJoin?.();
    await settle();
    expect(resolved).toBe(true);
  });

  it('stays waiting when the room refuses this client back', async () => {
    socket.connectionLost();
    whenReady();
    socket.answer('room:join', (_, ack) => ack({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'no' } }));
    socket.serverAccepts();
    await settle();
    expect(resolved).toBe(false);
  });
});
