import { TestBed } from '@angular/core/testing';
import type { Playback, Song } from '@musync/protocol';

import {
  FakeAudioContext,
  fakeAudioFile,
  installFakeAudioContext,
  installFakeAudioFetch,
  type FakeBufferSource,
} from '../testing/fake-audio';
import { FakeSocket, provideFakeSocket, QUIET_ROOM } from '../testing/fake-socket';
import { ownCopySong } from '../testing/own-copy-song';
import { AudioEngine, DEADBAND_MS, NO_COPY_MESSAGE, REANCHOR_MS } from './audio-engine';
import { AudioUnlock } from './audio-unlock';
import { OutputDelay } from './output-delay';
import { OwnCopies } from './own-copies';
import { RoomSession } from './room-session';

/** The server's clock runs this far ahead of the browser's (ms). */
const SERVER_AHEAD_MS = 5_000.25;

const song = (id: string, duration = 30): Song => ({
  id,
  title: `Song ${id}`,
  artist: null,
  album: null,
  duration,
  url: `/media/${id}.wav`,
  coverUrl: null,
});
const PLAYLIST = ['a', 'b', 'c', 'd', 'e'].map((id) => song(id));

describe('AudioEngine', () => {
  let socket: FakeSocket;
  let serverAhead: number;
  let fetched: string[];
  let uninstall: (() => void)[];
  let current: Playback;

  const serverNow = (): number => performance.timeOrigin + performance.now() + serverAhead;
  const context = (): FakeAudioContext => FakeAudioContext.latest();
  const lastSource = (): FakeBufferSource => {
    const source = context().started().at(-1);
    if (!source) throw new Error('nothing was started');
    return source;
  };
  /** Lets fetches, decodes, acks and effects run, then moves the clock on by `ms`. */
  async function settle(ms = 0): Promise<void> {
    await jest.advanceTimersByTimeAsync(0);
    TestBed.tick();
    await jest.advanceTimersByTimeAsync(ms);
    TestBed.tick();
  }

  function roomChanges(change: Partial<Playback>): Playback {
    current = { ...current, ...change, version: current.version + 1 };
    socket.broadcast('playback:updated', current);
    return current;
  }

  /** Joins a room with PLAYLIST in `playback`, the engine running and (unless `locked`) audio unlocked. */
  async function joinWith(
    playback: Omit<Playback, 'version'>,
    { locked = false, playlist = PLAYLIST }: { locked?: boolean; playlist?: readonly Song[] } = {},
  ): Promise<AudioEngine> {
    current = { ...playback, version: 1 };
    const engine = TestBed.inject(AudioEngine);
    if (!locked) TestBed.inject(AudioUnlock).unlock();
    socket.answer('room:join', (_, ack) =>
      ack({
        ok: true,
        ...QUIET_ROOM,
        memberId: 'm-ada',
        personId: 'p-ada',
        name: 'Ada',
        adminClaimable: false,
        presence: { roomId: 'lobby', members: [{ id: 'm-ada', personId: 'p-ada', name: 'Ada', joinedAt: 1 }], adminId: 'm-ada' },
        playlist,
        playback: current,
      }),
    );
    socket.serverAccepts();
    TestBed.inject(RoomSession).join('lobby', 'Ada');
    await settle();
    return engine;
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    // A page open for a while: performance.now() is never 0 in a browser by the time audio plays.
    jest.advanceTimersByTime(10_000);
    localStorage.clear();
    const network = installFakeAudioFetch((url) => PLAYLIST.find((s) => s.url === url)?.duration ?? 0);
    fetched = network.fetched;
    uninstall = [installFakeAudioContext(), network.uninstall];
    serverAhead = SERVER_AHEAD_MS;
    socket = new FakeSocket();
    // A server one instant away: the clock estimate is exact.
    socket.answer('time:ping', ({ t0 }, ack) => ack({ ok: true, t0, t1: t0 + serverAhead, t2: t0 + serverAhead }));
    socket.answer('playback:ready', (_, ack) => ack({ ok: true }));
    socket.answer('sync:report', (_, ack) => ack({ ok: true }));
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    for (const undo of uninstall) undo();
    jest.useRealTimers();
  });

  it('reports the song ready once it is decoded, when joining while the room loads it', async () => {
    await joinWith({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    expect(fetched[0]).toBe('/media/a.wav');
    expect(socket.sentPayloads('playback:ready')).toEqual([{ songId: 'a' }]);
    expect(context().started()).toEqual([]); // loading: nothing plays yet

    await settle(1000);
    expect(socket.sentPayloads('playback:ready')).toHaveLength(1);
  });

  it('reports ready again for the next song change', async () => {
    await joinWith({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    roomChanges({ songId: 'b', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    await settle();
    expect(socket.sentPayloads('playback:ready')).toEqual([{ songId: 'a' }, { songId: 'b' }]);
  });

  it('starts the song so its first sample is heard at the anchor’s server time', async () => {
    await joinWith({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    const anchor = serverNow() + 80;
    roomChanges({ status: 'playing', position: 0, anchor });

    const source = lastSource();
    expect(source.buffer?.duration).toBeCloseTo(30, 6);
    // The fake device outputs context time outputTime() now, and the anchor is 80 ms away.
    expect(source.started?.when).toBeCloseTo(context().outputTime() + 0.08, 9);
    expect(source.started?.offset).toBe(0);
  });

  it('starts earlier by this device’s output delay', async () => {
    TestBed.inject(OutputDelay).set(150);
    await joinWith({ songId: 'a', status: 'paused', position: 4, anchor: serverNow() });
    roomChanges({ status: 'playing', position: 4, anchor: serverNow() + 500 });
    expect(lastSource().started?.when).toBeCloseTo(context().outputTime() + 0.5 - 0.15, 9);
    expect(lastSource().started?.offset).toBe(4);
  });

  it('starts a late joiner once its clock estimate holds still, at the offset the song has reached', async () => {
    await joinWith({ songId: 'a', status: 'playing', position: 2, anchor: serverNow() - 12_000 });
    // Heard at once, so not on the first answers of a fresh connection (ClockSync.steady).
    expect(context().started()).toHaveLength(0);
    await settle(450);
    expect(context().started()).toHaveLength(0);
    for (let step = 0; step < 10 && context().started().length === 0; step++) await settle(10);
    const { when, offset } = lastSource().started ?? { when: Number.NaN, offset: Number.NaN };
    // As soon as safely possible: just past the render thread.
    expect(when).toBeGreaterThan(context().currentTime);
    expect(when).toBeLessThan(context().currentTime + 0.05);
    // …at the position the room is at when that moment is heard.
    const heardAt = serverNow() + (when - context().outputTime()) * 1000;
    expect(offset).toBeCloseTo(2 + (heardAt - (current.anchor)) / 1000, 6);
  });

  it('stops at the moment a pause takes effect', async () => {
    await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
    await settle(2000);
    roomChanges({ status: 'paused', position: 2.08, anchor: serverNow() + 80 });
    expect(lastSource().stoppedAt).toBeCloseTo(context().outputTime() + 0.08, 9);
  });

  it('reports the end when the song plays out, once per listener', async () => {
    await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
    await settle(30_000);
    lastSource().end();
    expect(socket.sentPayloads('playback:ended')).toEqual([{ fromSongId: 'a', version: current.version }]);
  });

  it('does not report an end for a song it stopped itself', async () => {
    await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
    roomChanges({ status: 'paused', position: 0, anchor: serverNow() + 80 });
    lastSource().end();
    expect(socket.sentPayloads('playback:ended')).toEqual([]);
  });

  it('hands over seamlessly on a jump: the old source stops where the new one starts', async () => {
    await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
    await settle(1000);
    const before = lastSource();
    roomChanges({ status: 'playing', position: 11.08, anchor: serverNow() + 80 });
    const after = lastSource();
    expect(after).not.toBe(before);
    expect(after.started?.offset).toBeCloseTo(11.08, 9);
    expect(before.stoppedAt).toBeCloseTo(after.started?.when ?? Number.NaN, 9);
  });

  it('prefetches the next song', async () => {
    await joinWith({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    expect(fetched).toEqual(['/media/a.wav', '/media/b.wav']);

    roomChanges({ songId: 'b', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    await settle();
    expect(fetched).toEqual(['/media/a.wav', '/media/b.wav', '/media/c.wav']);
    expect(socket.sentPayloads('playback:ready')).toEqual([{ songId: 'a' }, { songId: 'b' }]);
  });

  it('keeps three songs decoded, dropping the least recently used', async () => {
    await joinWith({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    roomChanges({ songId: 'c', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    await settle();
    expect(fetched).toEqual(['/media/a.wav', '/media/b.wav', '/media/c.wav', '/media/d.wav']);

    // a (played) is still there; b (only prefetched, never used) made room for d.
    roomChanges({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    await settle();
    expect(fetched).toEqual(['/media/a.wav', '/media/b.wav', '/media/c.wav', '/media/d.wav', '/media/b.wav']);
  });

  it('streams a song too long to decode instead of downloading it whole', async () => {
    const long = song('long', 20 * 60);
    const engine = await joinWith({ songId: 'a', status: 'paused', position: 0, anchor: serverNow() });
    const decodedBefore = context().decodes.length;
    socket.broadcast('playlist:updated', { songs: [long] });
    roomChanges({ songId: 'long', status: 'loading', position: 0, anchor: serverNow() + 3000 });
    await settle();
    expect(fetched).not.toContain(long.url);
    expect(context().decodes).toHaveLength(decodedBefore);
    expect(engine.problem()).toBeNull();
  });

  it('waits for the audio to be unlocked, then joins in at the current offset', async () => {
    await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 }, { locked: true });
    expect(context().state).toBe('suspended');
    expect(socket.sentPayloads('playback:ready')).toEqual([]); // not loading: nothing to report
    expect(context().started()).toEqual([]);

    await settle(5000);
    TestBed.inject(AudioUnlock).unlock(); // the "tap to join the audio" button
    await settle();
    expect(lastSource().started?.offset).toBeGreaterThan(4.9);
    expect(lastSource().started?.offset).toBeLessThan(5.1);
  });

  describe('self-measurement and drift correction', () => {
    /** A clock re-sync (a new connection) that finds the server `deltaMs` further ahead. */
    async function resyncBy(deltaMs: number, thenMs = 1000): Promise<void> {
      serverAhead += deltaMs;
      socket.connectionLost();
      socket.serverAccepts(); // rejoins with the same snapshot and measures the clock afresh
      await settle(thenMs);
    }

    it('measures no error while in step', async () => {
      const engine = await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
      await settle(1000);
      expect(engine.errorMs()).toBeCloseTo(0, 6);
      expect(lastSource().playbackRate.events).toEqual([]);
    });

    it('nudges the playback rate when a re-sync shows it 3 ms behind, and no longer measures an error after', async () => {
      const engine = await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
      await settle(1000);
      await resyncBy(3, 300); // the median of the last five measurements turns after three
      expect(engine.errorMs()).toBeCloseTo(-3, 6);

      const [speedUp, back] = lastSource().playbackRate.events;
      expect(speedUp).toEqual({ type: 'set', value: 1.002, time: expect.any(Number) });
      // 3 ms caught up at +0.2 %: 1.5 s of faster playback.
      expect(back?.value).toBe(1);
      expect((back?.time ?? 0) - (speedUp?.time ?? 0)).toBeCloseTo(1.5, 6);
      expect(context().started()).toHaveLength(1); // no restart, no seam

      await settle(2000);
      expect(engine.errorMs()).toBeCloseTo(0, 1);
    });

    it('leaves an error within the dead band alone and nudges one just beyond it', async () => {
      const engine = await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
      await settle(1000);
      await resyncBy(DEADBAND_MS * 0.8);
      expect(engine.errorMs()).toBeCloseTo(-DEADBAND_MS * 0.8, 2);
      expect(lastSource().playbackRate.events).toEqual([]);

      await resyncBy(DEADBAND_MS * 0.4, 300);
      expect(engine.errorMs()).toBeCloseTo(-DEADBAND_MS * 1.2, 2);
      const [speedUp, back] = lastSource().playbackRate.events;
      expect(speedUp?.value).toBe(1.002);
      expect((back?.time ?? 0) - (speedUp?.time ?? 0)).toBeCloseTo((DEADBAND_MS * 1.2) / 1000 / 0.002, 3);
    });

    it.each([50, REANCHOR_MS * 1.5])('restarts at the corrected offset when a re-sync shows it %p ms off', async (offMs) => {
      const engine = await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
      await settle(1000);
      const before = lastSource();
      await resyncBy(-offMs);
      const after = lastSource();
      expect(after).not.toBe(before);
      expect(before.stoppedAt).not.toBeNull();
      const heardAt = serverNow() + ((after.started?.when ?? 0) - context().outputTime()) * 1000;
      expect(after.started?.offset).toBeCloseTo((heardAt - current.anchor) / 1000, 6);

      await settle(1000);
      expect(engine.errorMs()).toBeCloseTo(0, 3);
    });

    it('reschedules a start not yet heard when the clock estimate moves', async () => {
      await joinWith({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
      const anchor = serverNow() + 800;
      roomChanges({ status: 'playing', position: 0, anchor });
      const first = lastSource();
      serverAhead += 4;
      socket.connectionLost();
      socket.serverAccepts();
      await settle(200);
      const second = lastSource();
      expect(second).not.toBe(first);
      expect(first.stoppedAt).toBeCloseTo(second.started?.when ?? Number.NaN, 9);
      expect(second.started?.offset).toBe(0);
      // The server is 4 ms further ahead, so the same anchor comes 4 ms sooner here.
      expect(second.started?.when).toBeCloseTo((first.started?.when ?? 0) - 0.004, 9);
    });

    it('reports its round trip and error to the server every 5 s', async () => {
      await joinWith({ songId: 'a', status: 'playing', position: 0, anchor: serverNow() + 80 });
      await settle(5000);
      const [report] = socket.sentPayloads('sync:report');
      expect(report?.rtt).toBe(0);
      expect(report?.errorMs).toBeCloseTo(0, 6);
      // At least the scheduling margin, so the room's lead leaves this device time to schedule.
      expect(report?.latencyMs).toBeGreaterThanOrEqual(20);
      expect(report?.latencyMs).toBeLessThan(1000);
    });

    it('reports no error while nothing plays', async () => {
      const engine = await joinWith({ songId: 'a', status: 'paused', position: 0, anchor: serverNow() });
      await settle(5000);
      expect(engine.errorMs()).toBeNull();
      expect(socket.sentPayloads('sync:report')).toEqual([{ rtt: 0, latencyMs: expect.any(Number), errorMs: null }]);
    });
  });

  describe('own-copy songs', () => {
    /** The listener's own file: the fake context decodes it to 4 s. */
    const bytes = new Uint8Array(fakeAudioFile(4));
    const own = ownCopySong(bytes, 'Own click', 4);
    const playlist = [own, ...PLAYLIST];

    beforeEach(() => socket.answer('copies:report', (_, ack) => ack({ ok: true, copies: {} })));

    it('without a copy: says so, reports ready so nobody waits, plays and fetches nothing, then follows the next song', async () => {
      const engine = await joinWith({ songId: own.id, status: 'loading', position: 0, anchor: serverNow() + 3000 }, { playlist });
      expect(engine.problem()).toBe(NO_COPY_MESSAGE);
      expect(socket.sentPayloads('playback:ready')).toEqual([{ songId: own.id }]);
      roomChanges({ status: 'playing', anchor: serverNow() + 80 });
      await settle(200);
      expect(context().started()).toEqual([]);
      expect(fetched.filter((url) => url === '')).toEqual([]);

      roomChanges({ songId: 'a', status: 'loading', position: 0, anchor: serverNow() + 3000 });
      await settle();
      const anchor = serverNow() + 80;
      roomChanges({ status: 'playing', position: 0, anchor });
      expect(engine.problem()).toBeNull();
      expect(lastSource().started?.when).toBeCloseTo(context().outputTime() + 0.08, 9);
    });

    it('with a matching copy: decodes the file itself, not a download, and starts it at the anchor', async () => {
      const engine = await joinWith({ songId: own.id, status: 'loading', position: 0, anchor: serverNow() + 3000 }, { playlist });
      expect(engine.problem()).toBe(NO_COPY_MESSAGE);
      const attached = TestBed.inject(OwnCopies).attach(own, new File([bytes], 'click.wav'));
      await settle();
      expect((await attached).ok).toBe(true);
      await settle();
      expect(engine.problem()).toBeNull();
      expect(context().decodes.map((data) => data.byteLength)).toContain(bytes.length);
      expect(fetched).not.toContain('');

      const anchor = serverNow() + 80;
      roomChanges({ status: 'playing', position: 0, anchor });
      expect(lastSource().buffer?.duration).toBeCloseTo(4, 6);
      expect(lastSource().started?.when).toBeCloseTo(context().outputTime() + 0.08, 9);
    });
  });
});
