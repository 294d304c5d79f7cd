import { TestBed } from '@angular/core/testing';
import type { Playback } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { answerConfigure, FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, song, type RoomSetup } from '../testing/joined-room';
import { PlaybackStore } from './playback-store';

const SERVER_AHEAD_MS = 2_500;
const PLAYLIST = [song('a'), song('b'), song('c')];

describe('PlaybackStore', () => {
  let socket: FakeSocket;
  let store: PlaybackStore;

  const serverNow = (): number => performance.timeOrigin + performance.now() + SERVER_AHEAD_MS;
  const playbackOf = (change: Partial<Playback> = {}): Playback => ({
    songId: 'b',
    status: 'playing',
    position: 40,
    anchor: serverNow(),
    version: 7,
    ...change,
  });

  async function joinAs(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, { playlist: PLAYLIST, playback: playbackOf(), ...setup });
  }
  const settle = (): Promise<void> => jest.advanceTimersByTimeAsync(0);

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    jest.advanceTimersByTime(10_000);
    socket = new FakeSocket();
    socket.answer('time:ping', ({ t0 }, ack) => ack({ ok: true, t0, t1: t0 + SERVER_AHEAD_MS, t2: t0 + SERVER_AHEAD_MS }));
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    store = TestBed.inject(PlaybackStore);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    jest.useRealTimers();
  });

  describe('what it shows', () => {
    it('knows the song on and its length', async () => {
      await joinAs();
      expect(store.song()?.title).toBe('Song B');
      expect(store.duration()).toBe(185);
      expect(store.playing()).toBe(true);
    });

    it('counts a loading song as playing: it starts by itself', async () => {
      await joinAs({ playback: playbackOf({ status: 'loading', position: 0 }) });
      expect(store.playing()).toBe(true);
    });

    it('shows nothing playing in a room without a current song', async () => {
      await joinAs({ playback: playbackOf({ songId: null, status: 'paused' }) });
      expect(store.song()).toBeNull();
      expect(store.playing()).toBe(false);
      expect(store.elapsed()).toBe(0);
    });

    it('follows the room clock for the elapsed time', async () => {
      await joinAs({ playback: playbackOf({ position: 40, anchor: serverNow() + 100 }) });
      await settle();
      expect(store.elapsed()).toBeCloseTo(39.9, 6);
      await jest.advanceTimersByTimeAsync(2_600);
      expect(store.elapsed()).toBeCloseTo(42.5, 1);
    });

    it('holds still while paused', async () => {
      await joinAs({ playback: playbackOf({ status: 'paused', position: 12.5 }) });
      await jest.advanceTimersByTimeAsync(3_000);
      expect(store.elapsed()).toBe(12.5);
    });

    it('keeps the elapsed time within the song', async () => {
      await joinAs({ playback: playbackOf({ position: 184, anchor: serverNow() - 10_000 }) });
      await settle();
      expect(store.elapsed()).toBe(185);
    });
  });

  describe('permissions', () => {
    it('lets everyone control playback, and only the admin seek', async () => {
      await joinAs({ me: ADA, admin: GRACE });
      expect(store.isAdmin()).toBe(false);
      expect(store.canControl()).toBe(true);
      expect(store.canSeek()).toBe(false);
    });

    it('lets the admin do everything', async () => {
      await joinAs({ me: ADA, admin: ADA, control: 'admin' });
      expect(store.isAdmin()).toBe(true);
      expect(store.canControl()).toBe(true);
      expect(store.canSeek()).toBe(true);
    });

    it('takes control away from listeners in an admin-only room, and sends nothing for them', async () => {
      await joinAs({ me: ADA, admin: GRACE, control: 'admin' });
      expect(store.canControl()).toBe(false);
      store.togglePlay();
      store.next();
      store.previous();
      store.forward10();
      store.back10();
      store.select('c');
      expect(socket.sent.filter((s) => s.event.startsWith('playback:'))).toEqual([]);
    });

    it('follows the control setting when the admin changes it', async () => {
      await joinAs({ me: ADA, admin: GRACE });
      socket.broadcast('settings:updated', { control: 'admin', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false });
      expect(store.canControl()).toBe(false);
    });

    it('a non-admin cannot seek: no command is sent', async () => {
      await joinAs({ me: ADA, admin: GRACE });
      store.seek(100);
      expect(socket.sentPayloads('playback:seek')).toEqual([]);
    });
  });

  describe('commands', () => {
    beforeEach(() => joinAs());

    it('next and previous name the song they act on', () => {
      store.next();
      store.previous();
      expect(socket.sentPayloads('playback:next')).toEqual([{ fromSongId: 'b' }]);
      expect(socket.sentPayloads('playback:previous')).toEqual([{ fromSongId: 'b' }]);
    });

    it('±10 s carries the version it was pressed on, so two presses at once move 10 s', () => {
      store.forward10();
      store.back10();
      expect(socket.sentPayloads('playback:skip')).toEqual([
        { by: 10, version: 7 },
        { by: -10, version: 7 },
      ]);
    });

    it('toggling pauses what is playing and plays what is paused', async () => {
      store.togglePlay();
      expect(socket.sentPayloads('playback:pause')).toEqual([{}]);

      socket.broadcast('playback:updated', playbackOf({ status: 'paused', version: 8 }));
      store.togglePlay();
      expect(socket.sentPayloads('playback:play')).toEqual([{}]);
    });

    it('clicking a song selects it', () => {
      store.select('c');
      expect(socket.sentPayloads('playback:select')).toEqual([{ songId: 'c' }]);
    });

    it('the admin seeks with the version it saw, within the song', () => {
      store.seek(95.5);
      store.seek(500);
      expect(socket.sentPayloads('playback:seek')).toEqual([
        { position: 95.5, version: 7 },
        { position: expect.closeTo(184.999, 3), version: 7 },
      ]);
    });

    it('takes the new playback from the ack', async () => {
      const next = playbackOf({ songId: 'c', status: 'loading', position: 0, version: 8 });
      socket.answer('playback:next', (_, ack) => ack({ ok: true, playback: next }));
      store.next();
      await settle();
      expect(TestBed.inject(RoomSession).playback()).toEqual(next);
      expect(store.song()?.id).toBe('c');
    });

    it('shows the server’s refusal until the next command', async () => {
      socket.answer('playback:skip', (_, ack) =>
        ack({ ok: false, error: { code: 'STALE_STATE', message: 'The room changed in the meantime; try again.' } }),
      );
      store.forward10();
      await settle();
      expect(store.refusal()).toBe('The room changed in the meantime; try again.');

      socket.answer('playback:pause', (_, ack) => ack({ ok: true, playback: playbackOf({ status: 'paused', version: 8 }) }));
      store.pause();
      expect(store.refusal()).toBeNull();
    });

    it('explains a command lost to a dropped connection', async () => {
      socket.connectionLost();
      store.play();
      await settle();
      expect(store.refusal()).toBe('Not connected to the server.');
    });
  });

  describe('the control setting', () => {
    it('the admin restricts control, and the room’s answer applies', async () => {
      await joinAs({ me: ADA, admin: ADA });
      answerConfigure(socket);
      store.setControlMode('admin');
      await settle();
      expect(socket.sentPayloads('room:configure')).toEqual([{ control: 'admin' }]);
      expect(store.controlMode()).toBe('admin');
    });

    it('a listener cannot change it', async () => {
      await joinAs({ me: ADA, admin: GRACE });
      store.setControlMode('admin');
      expect(socket.sentPayloads('room:configure')).toEqual([]);
    });

    it('shows why the server refused', async () => {
      await joinAs({ me: ADA, admin: ADA });
      socket.answer('room:configure', (_, ack) =>
        ack({ ok: false, error: { code: 'NOT_ADMIN', message: 'Only the admin can do that.' } }),
      );
      store.setControlMode('admin');
      await settle();
      expect(store.refusal()).toBe('Only the admin can do that.');
      expect(store.controlMode()).toBe('everyone');
    });
  });

  describe('the vote to skip', () => {
    const votes = (voterIds: string[], needed: number | null = 2) => ({ songId: 'b', voterIds, needed });

    it('shows the votes for the song on and how many skip it', async () => {
      await joinAs({ skip: votes(['p-grace']) });
      expect(store.skipVote()).toEqual({ votes: 1, needed: 2, voted: false });
      expect(store.canVoteSkip()).toBe(true);
      socket.broadcast('skip:updated', votes(['p-grace', 'p-x'], 3));
      expect(store.skipVote()).toEqual({ votes: 2, needed: 3, voted: false });
    });

    it('sends one vote naming the song, and is done once it counts', async () => {
      await joinAs({ skip: votes([]) });
      socket.answer('playback:vote-skip', ({ songId }, ack) => ack({ ok: true, skip: { songId, voterIds: ['p-ada'], needed: 2 } }));
      store.voteSkip();
      expect(store.canVoteSkip()).toBe(false); // on its way
      store.voteSkip();
      await settle();
      expect(socket.sentPayloads('playback:vote-skip')).toEqual([{ songId: 'b' }]);
      expect(store.skipVote()).toEqual({ votes: 1, needed: 2, voted: true });
      expect(store.canVoteSkip()).toBe(false);
    });

    it('cannot vote while voting is off, nor with no song on', async () => {
      await joinAs({ skip: votes([], null), skipThreshold: 'off' });
      expect(store.skipVote().needed).toBeNull();
      store.voteSkip();
      TestBed.inject(RoomSession).applyPlayback(playbackOf({ songId: null, status: 'paused', version: 8 }));
      socket.broadcast('skip:updated', { songId: null, voterIds: [], needed: 2 });
      expect(store.canVoteSkip()).toBe(false);
      store.voteSkip();
      expect(socket.sentPayloads('playback:vote-skip')).toEqual([]);
    });

    it('counts no votes of the song before once the next is on', async () => {
      await joinAs({ skip: votes(['p-ada', 'p-grace']) });
      expect(store.skipVote().voted).toBe(true);
      TestBed.inject(RoomSession).applyPlayback(playbackOf({ songId: 'c', version: 8 }));
      expect(store.skipVote()).toEqual({ votes: 0, needed: 2, voted: false });
      expect(store.canVoteSkip()).toBe(true);
    });

    it("shows the server's refusal with the other player messages", async () => {
      await joinAs({ skip: votes([]) });
      socket.answer('playback:vote-skip', (_, ack) =>
        ack({ ok: false, error: { code: 'VOTE_SKIP_OFF', message: 'Vote to skip is off in this room.' } }),
      );
      store.voteSkip();
      await settle();
      expect(store.refusal()).toBe('Vote to skip is off in this room.');
      expect(store.canVoteSkip()).toBe(true);
    });

    it('is off as soon as the setting says so', async () => {
      await joinAs({ skip: votes(['p-grace']) });
      socket.broadcast('settings:updated', { control: 'everyone', skipThreshold: 'off', addSongs: 'admin', waitForCopies: false, hasPasscode: false });
      expect(store.skipVote().needed).toBeNull();
      expect(store.canVoteSkip()).toBe(false);
    });

    it('the admin changes the threshold, sending only that setting', async () => {
      await joinAs({ me: ADA, admin: ADA, control: 'admin' });
      answerConfigure(socket, { control: 'admin', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false });
      store.setSkipThreshold(3);
      await settle();
      expect(socket.sentPayloads('room:configure')).toEqual([{ skipThreshold: 3 }]);
      expect(store.skipThreshold()).toBe(3);
      expect(store.controlMode()).toBe('admin');
    });

    it('a listener cannot change the threshold', async () => {
      await joinAs({ me: ADA, admin: GRACE });
      store.setSkipThreshold('off');
      expect(socket.sentPayloads('room:configure')).toEqual([]);
    });
  });
});
