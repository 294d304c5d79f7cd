import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Playback } from '@musync/protocol';

import { AudioUnlock } from '../core/audio-unlock';
import { FakeAudioContext, installFakeAudioContext, installFakeAudioFetch } from '../testing/fake-audio';
import { answerConfigure, FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, song, type RoomSetup } from '../testing/joined-room';
import { PlayerPanel } from './player-panel';

const PLAYLIST = [song('a'), song('b', { coverUrl: '/covers/b.jpg' }), song('c', { artist: null })];

describe('PlayerPanel', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<PlayerPanel>;
  let root: HTMLElement;
  let uninstall: (() => void)[];

  const serverNow = (): number => performance.timeOrigin + performance.now();
  const playbackOf = (change: Partial<Playback> = {}): Playback => ({
    songId: 'a',
    status: 'paused',
    position: 65.4,
    anchor: serverNow(),
    version: 4,
    ...change,
  });
  const byTestId = <T extends HTMLElement = HTMLElement>(testId: string): T | null =>
    root.querySelector<T>(`[data-testid="${testId}"]`);
  const text = (testId: string): string | undefined => byTestId(testId)?.textContent?.trim();
  /** The playback commands the user's actions sent (the engine's ready reports aside). */
  const commands = (): string[] =>
    socket.sent.map((s) => s.event).filter((e) => e.startsWith('playback:') && e !== 'playback:ready');

  async function update(ms = 0): Promise<void> {
    await jest.advanceTimersByTimeAsync(ms);
    fixture.detectChanges();
    await jest.advanceTimersByTimeAsync(0);
    fixture.detectChanges();
  }

  /** Joins (as Ada, admin unless told otherwise) and renders the panel, audio unlocked unless `locked`. */
  async function render(setup: RoomSetup = {}, { locked = false } = {}): Promise<void> {
    if (!locked) TestBed.inject(AudioUnlock).unlock();
    await joinRoom(socket, { playlist: PLAYLIST, playback: playbackOf(), ...setup });
    fixture = TestBed.createComponent(PlayerPanel);
    root = fixture.nativeElement as HTMLElement;
    await update();
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    jest.advanceTimersByTime(10_000);
    localStorage.clear();
    uninstall = [installFakeAudioContext(), installFakeAudioFetch(() => 185).uninstall];
    socket = new FakeSocket();
    socket.answer('time:ping', ({ t0 }, ack) => ack({ ok: true, t0, t1: t0, t2: t0 }));
    socket.answer('playback:ready', (_, ack) => ack({ ok: true }));
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    for (const undo of uninstall) undo();
    jest.useRealTimers();
  });

  describe('the song', () => {
    it('shows the title, artist, elapsed time and length', async () => {
      await render();
      expect(text('player-title')).toBe('Song A');
      expect(text('player-artist')).toBe('Artist A');
      expect(text('player-elapsed')).toBe('1:05');
      expect(text('player-duration')).toBe('3:05');
    });

    it('moves the elapsed time on while the room plays', async () => {
      await render({ playback: playbackOf({ status: 'playing', position: 10, anchor: serverNow() }) });
      expect(text('player-elapsed')).toBe('0:10');
      await update(3_000);
      expect(text('player-elapsed')).toBe('0:13');
    });

    it('shows the cover when the song has one', async () => {
      await render({ playback: playbackOf({ songId: 'b' }) });
      expect(root.querySelector('img.cover')?.getAttribute('src')).toBe('/covers/b.jpg');
    });

    it('says so when no song is on', async () => {
      await render({ playback: playbackOf({ songId: null }) });
      expect(text('player-title')).toBe('Nothing playing');
      expect(text('player-elapsed')).toBe('0:00');
      expect(text('player-duration')).toBe('0:00');
    });
  });

  describe('the controls', () => {
    it('the play button shows what the room is doing, a loading song counting as playing', async () => {
      await render();
      const button = byTestId('play-pause-button');
      expect(button?.dataset['state']).toBe('paused');
      expect(button?.getAttribute('aria-label')).toBe('Play');

      socket.broadcast('playback:updated', playbackOf({ status: 'loading', version: 5 }));
      await update();
      expect(button?.dataset['state']).toBe('playing');

      socket.broadcast('playback:updated', playbackOf({ status: 'playing', version: 6 }));
      await update();
      expect(button?.dataset['state']).toBe('playing');
      expect(button?.getAttribute('aria-label')).toBe('Pause');
    });

    it('each button sends its command', async () => {
      await render();
      for (const testId of ['previous-button', 'back-10-button', 'play-pause-button', 'forward-10-button', 'next-button']) {
        byTestId(testId)?.click();
      }
      expect(commands()).toEqual(['playback:previous', 'playback:skip', 'playback:play', 'playback:skip', 'playback:next']);
      expect(socket.sentPayloads('playback:skip').map((p) => p.by)).toEqual([-10, 10]);
      expect(socket.sentPayloads('playback:next')).toEqual([{ fromSongId: 'a' }]);
    });

    it('shows a refused command next to the controls', async () => {
      await render();
      socket.answer('playback:next', (_, ack) =>
        ack({ ok: false, error: { code: 'CONTROL_RESTRICTED', message: 'In this room only the admin controls playback.' } }),
      );
      byTestId('next-button')?.click();
      await update();
      expect(text('control-error')).toBe('In this room only the admin controls playback.');
      expect(byTestId('control-error')?.getAttribute('role')).toBe('alert');
    });

    it('in an admin-only room, a listener’s controls are disabled', async () => {
      await render({ me: ADA, admin: GRACE, control: 'admin' });
      for (const testId of ['previous-button', 'back-10-button', 'play-pause-button', 'forward-10-button', 'next-button']) {
        expect(byTestId<HTMLButtonElement>(testId)?.disabled).toBe(true);
      }
    });

    it('Space plays and pauses, except while typing', async () => {
      await render();
      document.body.dispatchEvent(new KeyboardEvent('keydown', { code: 'Space', key: ' ', bubbles: true }));
      expect(commands()).toEqual(['playback:play']);
      byTestId('output-delay-input')?.dispatchEvent(new KeyboardEvent('keydown', { code: 'Space', key: ' ', bubbles: true }));
      expect(commands()).toEqual(['playback:play']);
    });

    it('←/→ jump 10 s and N/P change the song, except while typing', async () => {
      await render();
      for (const key of ['ArrowLeft', 'ArrowRight', 'n', 'p']) document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      expect(commands()).toEqual(['playback:skip', 'playback:skip', 'playback:next', 'playback:previous']);
      for (const key of ['ArrowLeft', 'n']) byTestId('output-delay-input')?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      expect(commands()).toHaveLength(4);
    });

    it('announces the song that starts, politely', async () => {
      await render();
      const region = byTestId('now-playing-announcement');
      expect(region?.getAttribute('aria-live')).toBe('polite');
      expect(region?.textContent?.trim()).toMatch(/^Now playing: /);
      expect(document.title).toMatch(/ · Musync$/);
    });
  });

  describe('the progress bar', () => {
    it('is a slider the admin drags to seek', async () => {
      await render();
      const bar = byTestId<HTMLInputElement>('progress-bar');
      expect(bar?.type).toBe('range');
      expect(bar?.disabled).toBe(false);
      expect(bar?.max).toBe('185');
      expect(bar?.value).toBe('65.4');

      bar!.value = '120';
      bar!.dispatchEvent(new Event('input'));
      await update();
      expect(text('player-elapsed')).toBe('2:00'); // follows the drag
      expect(socket.sentPayloads('playback:seek')).toEqual([]);

      bar!.dispatchEvent(new Event('change'));
      expect(socket.sentPayloads('playback:seek')).toEqual([{ position: 120, version: 4 }]);
    });

    it('is read-only for everyone else, and sends nothing', async () => {
      await render({ me: ADA, admin: GRACE });
      const bar = byTestId<HTMLInputElement>('progress-bar');
      expect(bar?.disabled).toBe(true);
      bar!.value = '120';
      bar!.dispatchEvent(new Event('input'));
      bar!.dispatchEvent(new Event('change'));
      await update();
      expect(socket.sentPayloads('playback:seek')).toEqual([]);
      expect(text('player-elapsed')).toBe('1:05');
    });
  });

  describe('this device', () => {
    it('asks for a tap when the browser holds the audio back, and stops asking once it plays', async () => {
      await render({}, { locked: true });
      TestBed.inject(AudioUnlock).ensureContext(); // created outside a gesture: suspended
      await update();
      const prompt = byTestId('audio-unlock-prompt');
      expect(prompt?.textContent).toContain('Tap to join the audio');

      prompt?.click();
      await update();
      expect(FakeAudioContext.latest().state).toBe('running');
      expect(byTestId('audio-unlock-prompt')).toBeNull();
    });

    it('shows the measured sync error and round trip', async () => {
      await render({ playback: playbackOf({ status: 'playing', position: 0, anchor: serverNow() + 100 }) });
      expect(text('sync-error')).toBe('—');
      expect(text('sync-rtt')).toBe('0.0 ms');
      await update(1_000);
      expect(text('sync-error')).toBe('±0.0 ms');
    });

    it('remembers the output delay in this browser', async () => {
      await render();
      const input = byTestId<HTMLInputElement>('output-delay-input');
      expect(input?.value).toBe('0');
      input!.value = '120';
      input!.dispatchEvent(new Event('change'));
      expect(localStorage.getItem('musync.outputDelayMs')).toBe('120');

      input!.value = '99999';
      input!.dispatchEvent(new Event('change'));
      expect(input?.value).toBe('1000');
    });

    it('restores the remembered output delay', async () => {
      localStorage.setItem('musync.outputDelayMs', '85');
      await render();
      expect(byTestId<HTMLInputElement>('output-delay-input')?.value).toBe('85');
    });
  });

  describe('the control setting', () => {
    it('is offered to the admin, and changes who controls playback', async () => {
      await render({ me: ADA, admin: ADA });
      answerConfigure(socket);
      const select = byTestId<HTMLSelectElement>('control-mode-select');
      expect(select?.value).toBe('everyone');
      select!.value = 'admin';
      select!.dispatchEvent(new Event('change'));
      await update();
      expect(socket.sentPayloads('room:configure')).toEqual([{ control: 'admin' }]);
      expect(select?.value).toBe('admin');
    });

    it('is not offered to anyone else', async () => {
      await render({ me: ADA, admin: GRACE });
      expect(byTestId('control-mode-select')).toBeNull();
    });
  });

  describe('the room passcode setting', () => {
    it('lets the admin set a passcode, never shows it, and takes it away again', async () => {
      await render({ me: ADA, admin: ADA });
      answerConfigure(socket);
      expect(text('passcode-state')).toBe('Anyone with the link can join');
      expect(byTestId('passcode-clear-button')).toBeNull();
      const input = byTestId<HTMLInputElement>('passcode-setting-input')!;
      expect(input.type).toBe('password');
      expect(root.querySelector(`label[for="${input.id}"]`)?.textContent?.trim()).toBe('Passcode');
      input.value = 'open sesame';
      byTestId<HTMLButtonElement>('passcode-set-button')!.click();
      await update();
      expect(socket.sentPayloads('room:configure')).toEqual([{ passcode: 'open sesame' }]);
      expect(input.value).toBe('');
      expect(text('passcode-state')).toBe('Newcomers need it');
      byTestId<HTMLButtonElement>('passcode-clear-button')!.click();
      await update();
      expect(socket.sentPayloads('room:configure').at(-1)).toEqual({ passcode: null });
      expect(text('passcode-state')).toBe('Anyone with the link can join');
    });

    it('sends nothing for an empty passcode', async () => {
      await render({ me: ADA, admin: ADA });
      byTestId<HTMLButtonElement>('passcode-set-button')!.click();
      await update();
      expect(socket.sentPayloads('room:configure')).toEqual([]);
    });

    it('is not offered to anyone else', async () => {
      await render({ me: ADA, admin: GRACE, hasPasscode: true });
      expect(byTestId('passcode-setting')).toBeNull();
    });
  });

  describe('vote to skip', () => {
    const votes = (voterIds: string[], needed: number | null = 2) => ({ songId: 'a', voterIds, needed });
    const voteButton = (): HTMLButtonElement => byTestId<HTMLButtonElement>('vote-skip-button')!;

    it('shows the votes so far and how many skip the song, and counts yours once', async () => {
      await render({ me: ADA, admin: GRACE, control: 'admin', skip: votes(['p-grace'], 3) });
      // Listeners vote even where only the admin controls playback.
      expect(voteButton().textContent?.trim()).toBe('Skip (1/3)');
      expect(voteButton().disabled).toBe(false);
      socket.answer('playback:vote-skip', ({ songId }, ack) => {
        const skip = { songId, voterIds: ['p-grace', 'p-ada'], needed: 3 };
        socket.broadcast('skip:updated', skip);
        ack({ ok: true, skip });
      });
      voteButton().click();
      await update();
      expect(socket.sentPayloads('playback:vote-skip')).toEqual([{ songId: 'a' }]);
      expect(voteButton().textContent?.trim()).toBe('Skip (2/3)');
      expect(voteButton().disabled).toBe(true);
      expect(voteButton().getAttribute('aria-pressed')).toBe('true');
      expect(voteButton().title).toBe('You voted to skip this song (2 of 3 votes)');
    });

    it('is off, and says so, when the room turned voting off', async () => {
      await render({ skip: votes([], null), skipThreshold: 'off' });
      expect(voteButton().textContent?.trim()).toBe('Skip (off)');
      expect(voteButton().disabled).toBe(true);
      expect(voteButton().title).toBe('Vote to skip is off in this room');
    });

    it('shows a refused vote with the player messages', async () => {
      await render({ skip: votes([]) });
      socket.answer('playback:vote-skip', (_, ack) =>
        ack({ ok: false, error: { code: 'VOTE_SKIP_OFF', message: 'Vote to skip is off in this room.' } }),
      );
      voteButton().click();
      await update();
      expect(text('control-error')).toBe('Vote to skip is off in this room.');
    });

    it('the admin sets the threshold beside the control setting: off, majority or a number', async () => {
      await render({ me: ADA, admin: ADA, skip: votes([]) });
      answerConfigure(socket);
      const select = byTestId<HTMLSelectElement>('skip-threshold-select')!;
      expect(select.value).toBe('majority');
      expect([...select.options].map((o) => o.value)).toEqual(['off', 'majority', '1', '2', '3', '4', '5', '6', '8', '10']);
      select.value = '3';
      select.dispatchEvent(new Event('change'));
      await update();
      select.value = 'off';
      select.dispatchEvent(new Event('change'));
      await update();
      expect(socket.sentPayloads('room:configure')).toEqual([{ skipThreshold: 3 }, { skipThreshold: 'off' }]);
      expect(select.value).toBe('off');
    });

    it('lists an unusual threshold the room already has', async () => {
      await render({ me: ADA, admin: ADA, skipThreshold: 7 });
      expect(byTestId<HTMLSelectElement>('skip-threshold-select')?.value).toBe('7');
    });

    it('offers a listener no threshold setting', async () => {
      await render({ me: ADA, admin: GRACE });
      expect(byTestId('skip-threshold-select')).toBeNull();
    });
  });
});
