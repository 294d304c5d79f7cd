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

  describe('a room with a passcode', () => {
    const passcode = (): HTMLInputElement | null => root.querySelector<HTMLInputElement>('[data-testid="passcode-input"]');

    /** The fake server: a room with passcode "open sesame". */
    function passcodeRoom(): void {
      socket.answer('room:join', (request, ack) => {
        if (request.passcode === undefined) {
          ack({ ok: false, error: { code: 'PASSCODE_REQUIRED', message: 'This room needs a passcode.' } });
        } else if (request.passcode !== 'open sesame') {
          ack({ ok: false, error: { code: 'WRONG_PASSCODE', message: 'That is not the room’s passcode.' } });
        } else {
          ack(quietJoin('m-1', { roomId: 'lobby', members: [], adminId: null }));
        }
      });
    }

    async function typePasscodeAndJoin(code: string): Promise<void> {
      passcode()!.value = code;
      passcode()!.dispatchEvent(new Event('input'));
      button().click();
      await fixture.whenStable();
    }

    it('asks for no passcode until the server says the room needs one', async () => {
      passcodeRoom();
      await render();
      expect(passcode()).toBeNull();
      await typeAndJoin('Ada');
      expect(error()).toBe('This room needs a passcode.');
      expect(passcode()).not.toBeNull();
      expect(root.querySelector('label[for="passcode"]')?.textContent?.trim()).toBe('Room passcode');
      expect(passcode()!.type).toBe('password');
    });

    it('shows the server’s refusal of a wrong passcode, then joins with the right one', async () => {
      passcodeRoom();
      await render();
      await typeAndJoin('Ada');
      await typePasscodeAndJoin('open sesame?');
      expect(error()).toBe('That is not the room’s passcode.');
      expect(passcode()!.getAttribute('aria-invalid')).toBe('true');
      await typePasscodeAndJoin('open sesame');
      expect(TestBed.inject(RoomSession).joined()).toBe(true);
      expect(socket.sentPayloads('room:join').map((p) => p.passcode)).toEqual([undefined, 'open sesame?', 'open sesame']);
    });

    it('refuses an empty passcode without asking the server', async () => {
      passcodeRoom();
      await render();
      await typeAndJoin('Ada');
      button().click();
      await fixture.whenStable();
      expect(error()).toBe('passcode is empty');
      expect(socket.sentPayloads('room:join')).toHaveLength(1);
    });
  });
});
