import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Presence } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { PeoplePanel } from './people-panel';

const grace = { id: 'm-grace', personId: 'p-grace', name: 'Grace', joinedAt: 1000 };
const ada = { id: 'm-ada', personId: 'p-ada', name: 'Ada', joinedAt: 2000 };
const PASSWORD = 'correct horse battery';

describe('claiming the admin chair (people panel)', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<PeoplePanel>;
  let root: HTMLElement;

  const byTestId = <T extends HTMLElement>(id: string): T | null => root.querySelector<T>(`[data-testid="${id}"]`);
  const badgeHolders = (): (string | undefined)[] =>
    [...root.querySelectorAll('[data-testid="person"]')]
      .filter((p) => p.querySelector('[data-testid="admin-badge"]'))
      .map((p) => p.querySelector('.name')?.textContent ?? undefined);

  /** Joins as Ada into `presence` on a server with (or without) an admin password, then renders the panel. */
  async function render(presence: Presence, adminClaimable = true): Promise<void> {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) => ack({ ...quietJoin(ada.id, presence), adminClaimable }));
    // The fake server's side of admin:claim: the password makes the sender admin.
    socket.answer('admin:claim', ({ password }, ack) => {
      if (password !== PASSWORD) return ack({ ok: false, error: { code: 'WRONG_PASSWORD', message: 'That is not the admin password.' } });
      // The server tells the room (the claimer included), then answers.
      socket.broadcast('presence:changed', { adminId: ada.id });
      ack({ ok: true, presence: { ...presence, adminId: ada.id } });
    });
    TestBed.inject(RoomSession).join('lobby', 'Ada');
    fixture = TestBed.createComponent(PeoplePanel);
    await fixture.whenStable();
    root = fixture.nativeElement as HTMLElement;
  }

  async function claimWith(password: string): Promise<void> {
    byTestId<HTMLElement>('admin-claim')!.querySelector('summary')!.click();
    const input = byTestId<HTMLInputElement>('admin-password-input')!;
    input.value = password;
    input.dispatchEvent(new Event('input'));
    byTestId<HTMLButtonElement>('claim-admin-button')!.click();
    await fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve, 0));
    await fixture.whenStable();
  }

  it('says nobody is admin and offers the claim, with a labelled password field', async () => {
    await render({ roomId: 'lobby', members: [grace, ada], adminId: null });
    expect(byTestId('no-admin')?.textContent).toContain('Nobody is admin right now');
    expect(badgeHolders()).toEqual([]);
    const input = byTestId<HTMLInputElement>('admin-password-input')!;
    expect(input.type).toBe('password');
    expect(root.querySelector(`label[for="${input.id}"]`)?.textContent?.trim()).toBe('Admin password');
  });

  it('shows the server’s refusal of a wrong password, and changes nothing', async () => {
    await render({ roomId: 'lobby', members: [grace, ada], adminId: null });
    await claimWith('guess');
    expect(byTestId('claim-error')?.textContent?.trim()).toBe('That is not the admin password.');
    expect(byTestId<HTMLInputElement>('admin-password-input')?.getAttribute('aria-invalid')).toBe('true');
    expect(badgeHolders()).toEqual([]);
  });

  it('makes you the admin with the right password, and then hides the claim', async () => {
    await render({ roomId: 'lobby', members: [grace, ada], adminId: null });
    await claimWith(PASSWORD);
    expect(socket.sentPayloads('admin:claim')).toEqual([{ password: PASSWORD }]);
    expect(badgeHolders()).toEqual(['Ada']);
    expect(byTestId('admin-claim')).toBeNull();
    expect(byTestId('no-admin')).toBeNull();
  });

  it('offers the claim also while someone else is admin (the password outranks arriving first)', async () => {
    await render({ roomId: 'lobby', members: [grace, ada], adminId: grace.id });
    expect(byTestId('no-admin')).toBeNull();
    expect(byTestId('admin-claim')).not.toBeNull();
  });

  it('offers nothing on a server without an admin password (first come is admin there)', async () => {
    await render({ roomId: 'lobby', members: [grace, ada], adminId: grace.id }, false);
    expect(byTestId('admin-claim')).toBeNull();
    expect(byTestId('no-admin')).toBeNull();
  });
});
