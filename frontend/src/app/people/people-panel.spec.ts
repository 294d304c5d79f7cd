import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Presence } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { bytesOf, ownCopySong } from '../testing/own-copy-song';
import { PeoplePanel } from './people-panel';

const members = {
  grace: { id: 'm-grace', personId: 'p-grace', name: 'Grace', joinedAt: 1000 },
  ada: { id: 'm-ada', personId: 'p-ada', name: 'Ada', joinedAt: 2000 },
  linus: { id: 'm-linus', personId: 'p-linus', name: 'Linus', joinedAt: 3000 },
};

describe('PeoplePanel', () => {
  let socket: FakeSocket;

  let fixture: ComponentFixture<PeoplePanel>;

  /** Joins as Ada into `presence`, then renders the panel. */
  async function renderAsAda(presence: Presence): Promise<HTMLElement> {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) => ack(quietJoin(members.ada.id, presence)));
    TestBed.inject(RoomSession).join('lobby', 'Ada');
    fixture = TestBed.createComponent(PeoplePanel);
    await fixture.whenStable();
    return fixture.nativeElement as HTMLElement;
  }

  const people = (root: HTMLElement): HTMLElement[] => [...root.querySelectorAll<HTMLElement>('[data-testid="person"]')];
  const text = (root: HTMLElement, testId: string): string | undefined =>
    root.querySelector(`[data-testid="${testId}"]`)?.textContent?.trim();

  it('lists everyone in the order they joined, with the count', async () => {
    const root = await renderAsAda({
      roomId: 'lobby',
      members: [members.linus, members.ada, members.grace],
      adminId: members.grace.id,
    });
    expect(text(root, 'people-count')).toBe('3 people');
    expect(people(root).map((p) => p.querySelector('.name')?.textContent)).toEqual(['Grace', 'Ada', 'Linus']);
  });

  it('marks the admin and yourself, and no one else', async () => {
    const root = await renderAsAda({
      roomId: 'lobby',
      members: [members.grace, members.ada, members.linus],
      adminId: members.grace.id,
    });
    const [grace, ada, linus] = people(root);
    expect(grace?.querySelector('[data-testid="admin-badge"]')).not.toBeNull();
    expect(grace?.querySelector('[data-testid="you-marker"]')).toBeNull();
    expect(ada?.querySelector('[data-testid="you-marker"]')?.textContent).toBe('(you)');
    expect(ada?.querySelector('[data-testid="admin-badge"]')).toBeNull();
    expect(linus?.querySelector('[data-testid="admin-badge"], [data-testid="you-marker"]')).toBeNull();
    expect(root.querySelectorAll('[data-testid="admin-badge"]')).toHaveLength(1);
  });

  it('says "1 person" when you are alone, and you are the admin', async () => {
    const root = await renderAsAda({ roomId: 'lobby', members: [members.ada], adminId: members.ada.id });
    expect(text(root, 'people-count')).toBe('1 person');
    const [ada] = people(root);
    expect(ada?.textContent).toContain('Ada');
    expect(ada?.querySelector('[data-testid="admin-badge"]')).not.toBeNull();
    expect(ada?.querySelector('[data-testid="you-marker"]')).not.toBeNull();
  });

  it('updates when presence changes', async () => {
    const root = await renderAsAda({ roomId: 'lobby', members: [members.ada], adminId: members.ada.id });
    socket.broadcast('presence:joined', { member: members.linus, adminId: members.ada.id });
    await fixture.whenStable();
    expect(text(root, 'people-count')).toBe('2 people');
    expect(people(root).map((p) => p.querySelector('.name')?.textContent)).toEqual(['Ada', 'Linus']);
  });

  it('shows who has the upcoming own-copy song ready', async () => {
    const root = await renderAsAda({ roomId: 'lobby', members: [members.grace, members.ada], adminId: members.grace.id });
    expect(root.querySelector('[data-testid="copy-ready"]')).toBeNull();
    const own = ownCopySong(bytesOf('click'));
    socket.broadcast('playlist:updated', { songs: [own] });
    socket.broadcast('copies:updated', { copies: { [own.id]: [members.grace.id] } });
    await fixture.whenStable();
    const marks = people(root).map((p) => p.querySelector('[data-testid="copy-ready"]'));
    expect(marks.map((m) => m?.getAttribute('data-ready'))).toEqual(['true', 'false']);
    expect(marks.map((m) => m?.textContent?.trim())).toEqual(['✓ has the song', 'no copy']);
  });
});
