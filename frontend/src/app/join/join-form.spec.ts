import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { AudioUnlock } from '../core/audio-unlock';
import { RoomSession } from '../core/room-session';
import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { JoinForm } from './join-form';

describe('JoinForm', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<JoinForm>;
  let root: HTMLElement;

  const input = (): HTMLInputElement => root.querySelector<HTMLInputElement>('[data-testid="username-input"]')!;
  const button = (): HTMLButtonElement => root.querySelector<HTMLButtonElement>('[data-testid="join-button"]')!;
  const error = (): string | undefined => root.querySelector('[data-testid="join-error"]')?.textContent?.trim();

  async function render(): Promise<void> {
    fixture = TestBed.createComponent(JoinForm);
    fixture.componentRef.setInput('roomId', 'lobby');
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function typeAndJoin(name: string): Promise<void> {
    input().value = name;
    input().dispatchEvent(new Event('input'));
    button().click();
    await fixture.whenStable();
  }

  beforeEach(() => {
    localStorage.clear();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    socket.serverAccepts();
  });

  it.each([
    ['an empty', ''],
    ['a whitespace-only', '   '],
  ])('refuses %s name without asking the server', async (_, name) => {
    await render();
    await typeAndJoin(name);
    expect(error()).toBe('username is empty');
    expect(input().getAttribute('aria-invalid')).toBe('true');
    expect(socket.sent).toEqual([]);
  });

  it('shows the server’s message when the server refuses the name', async () => {
    socket.answer('room:join', (_, ack) =>
      ack({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'That name is already taken here.' } }),
    );
    await render();
    await typeAndJoin('Ada');
    expect(error()).toBe('That name is already taken here.');
    expect(button().disabled).toBe(false);
  });

  it('joins the room with the trimmed name and unlocks audio on the click', async () => {
    socket.answer('room:join', (_, ack) => ack(quietJoin('m-1', { roomId: 'lobby', members: [], adminId: null })));
    const unlock = jest.spyOn(TestBed.inject(AudioUnlock), 'unlock');
    await render();
    await typeAndJoin('  Ada ');
    expect(unlock).toHaveBeenCalledTimes(1);
    expect(socket.sentPayloads('room:join')).toEqual([expect.objectContaining({ roomId: 'lobby', username: 'Ada' })]);
    expect(TestBed.inject(RoomSession).joined()).toBe(true);
    expect(error()).toBeUndefined();
  });

  it('disables the button while the join is on its way', async () => {
    await render(); // this server never answers
    await typeAndJoin('Ada');
    expect(button().disabled).toBe(true);
  });

  it('prefills the name used last time', async () => {
    localStorage.setItem('musync.username', 'Grace');
    await render();
    expect(input().value).toBe('Grace');
  });
});
