import { TestBed } from '@angular/core/testing';

import { RoomSession } from '../core/room-session';
import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { PeopleStore } from './people-store';

const grace = { id: 'm-grace', personId: 'p-grace', name: 'Grace', joinedAt: 1000 };
const ada = { id: 'm-ada', personId: 'p-ada', name: 'Ada', joinedAt: 2000 };

describe('PeopleStore', () => {
  let socket: FakeSocket;
  let store: PeopleStore;

  beforeEach(async () => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    store = TestBed.inject(PeopleStore);
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) =>
      ack(quietJoin(ada.id, { roomId: 'lobby', members: [ada, grace], adminId: grace.id })),
    );
    TestBed.inject(RoomSession).join('lobby', 'Ada');
    await new Promise((resolve) => setTimeout(resolve));
  });

  it('orders members by arrival and knows who the admin is', () => {
    expect(store.members().map((m) => m.name)).toEqual(['Grace', 'Ada']);
    expect(store.count()).toBe(2);
    expect(store.adminId()).toBe(grace.id);
    expect(store.isMeAdmin()).toBe(false);
  });

  it('knows you became admin when the admin leaves', () => {
    socket.broadcast('presence:left', { memberId: grace.id, adminId: ada.id });
    expect(store.count()).toBe(1);
    expect(store.isMeAdmin()).toBe(true);
  });
});
