import { TestBed } from '@angular/core/testing';

import { LocalFileReader } from '../core/local-file';
import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, type RoomSetup } from '../testing/joined-room';
import { bytesOf, fingerprintOf, ownCopySong } from '../testing/own-copy-song';
import { Rendered } from '../testing/rendered';
import { OwnCopyPanel } from './own-copy-panel';

/** Picks `file` in a file input, as a user would. */
function pick(input: HTMLInputElement, file: File): void {
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change'));
}

describe('OwnCopyPanel', () => {
  let socket: FakeSocket;
  let view: Rendered<OwnCopyPanel>;
  const song = ownCopySong(bytesOf('click track bytes'), 'Click');

  async function render(setup: RoomSetup): Promise<void> {
    socket = new FakeSocket();
    socket.answer('copies:report', (_, ack) => ack({ ok: true, copies: {} }));
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    jest.spyOn(TestBed.inject(LocalFileReader), 'duration').mockResolvedValue(3);
    await joinRoom(socket, setup);
    view = new Rendered(OwnCopyPanel);
    await view.stable();
  }

  /** Waits until the file was read and the outcome shown. */
  async function afterPick(): Promise<void> {
    for (let i = 0; i < 20; i++) await view.afterAnswers();
  }

  afterEach(() => TestBed.resetTestingModule());

  it('offers the admin to add from the device, and lists the song after', async () => {
    await render({ me: ADA, admin: ADA });
    socket.answer('playlist:add-local', (request, ack) => ack({ ok: true, song: { ...song, title: request.title } }));
    const input = view.byTestId<HTMLInputElement>('add-local-input');
    expect(input?.closest('label')?.textContent).toContain('Add from my device without uploading');
    pick(input!, new File([bytesOf('click track bytes')], 'Click.wav'));
    await afterPick();
    expect(socket.sentPayloads('playlist:add-local')).toEqual([
      { fingerprint: fingerprintOf(bytesOf('click track bytes')), size: 17, duration: 3, title: 'Click', artist: null, album: null },
    ]);
    expect(view.byTestId('own-copy-message')?.textContent).toContain('is in the playlist');
  });

  it('hides adding from someone who is not the admin, until the room lets everyone', async () => {
    await render({ me: ADA, admin: GRACE });
    expect(view.byTestId('own-copy-panel')).toBeNull();
    socket.broadcast('settings:updated', { control: 'everyone', skipThreshold: 'majority', addSongs: 'everyone', waitForCopies: false });
    await view.stable();
    expect(view.byTestId('add-local-input')).not.toBeNull();
    expect(view.byTestId('setting-everyone-adds')).toBeNull(); // settings are the admin's
  });

  it('takes the matching file as your copy and refuses a different one, saying so', async () => {
    await render({ me: ADA, admin: GRACE, playlist: [song], copies: { [song.id]: [GRACE.id] } });
    expect(view.byTestId('copy-holders')?.textContent?.replace(/\s+/g, ' ').trim()).toBe('Has it: Grace · Missing: Ada');

    pick(view.byTestId<HTMLInputElement>('attach-input')!, new File([bytesOf('click track BYTES')], 'Click (remaster).wav'));
    await afterPick();
    expect(view.byTestId('copy-message')?.getAttribute('role')).toBe('alert');
    expect(view.byTestId('copy-message')?.textContent).toContain('different file or another version of “Click”');
    expect(view.byTestId('copy-held')).toBeNull();

    pick(view.byTestId<HTMLInputElement>('attach-input')!, new File([bytesOf('click track bytes')], 'Click.wav'));
    await afterPick();
    expect(view.byTestId('copy-held')?.textContent).toContain('you have it');
    expect(socket.sentPayloads('copies:report').at(-1)).toEqual({ fingerprints: [fingerprintOf(bytesOf('click track bytes'))] });
  });

  it('lets the admin let everyone add and make the room wait for copies', async () => {
    await render({ me: ADA, admin: ADA });
    socket.answer('room:configure', (change, ack) =>
      ack({
        ok: true,
        settings: { control: 'everyone', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, ...change },
        rev: ++socket.rev,
      }),
    );
    const wait = view.byTestId<HTMLInputElement>('setting-wait-copies')!;
    wait.checked = true;
    wait.dispatchEvent(new Event('change'));
    await view.afterAnswers();
    expect(socket.sentPayloads('room:configure')).toEqual([{ waitForCopies: true }]);
    expect(view.byTestId<HTMLInputElement>('setting-wait-copies')?.checked).toBe(true);
  });
});
