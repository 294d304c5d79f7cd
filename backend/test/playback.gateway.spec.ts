import { CONTROL_BURST, ErrorCode, READY_BARRIER_MS, type Playback, type Song } from '@musync/protocol';

import { nextEvent, request, RunningServer, song, type TestClient } from './harness.js';

describe('playback over real sockets', () => {
  let server: RunningServer;
  let ada: TestClient; // admin
  let bob: TestClient;

  async function join(name: string): Promise<TestClient> {
    const client = await server.connect();
    const ack = await request(client, 'room:join', { roomId: 'lobby', username: name });
    if (!ack.ok) throw new Error(ack.error.message);
    return client;
  }

  /** Sends a command and returns the playback in its ack (throws on refusal). */
  async function command(client: TestClient, event: Parameters<typeof request>[1], payload: object): Promise<Playback> {
    const ack = await request(client, event, payload);
    if (!ack.ok) throw new Error(`${event} refused: ${ack.error.code}`);
    return ack['playback'] as Playback;
  }

  async function bothReady(songId: string): Promise<Playback> {
    const started = nextEvent(bob, 'playback:updated', (p) => p.songId === songId && p.status === 'playing');
    await request(ada, 'playback:ready', { songId });
    await request(bob, 'playback:ready', { songId });
    return started;
  }

  beforeEach(async () => {
    server = await RunningServer.start({ ADMIN_GRACE_MS: '0' });
    await server.seed('lobby', [song('a', 2), song('b', 200), song('c', 300)]);
    ada = await join('Ada');
    bob = await join('Bob');
  });

  afterEach(async () => {
    await server.stop();
  });

  it('sends the playlist and playback in the join snapshot', async () => {
    const carl = await server.connect();
    const ack = await request(carl, 'room:join', { roomId: 'lobby', username: 'Carl' });
    expect(ack.ok && (ack['playlist'] as Song[]).map((s) => s.id)).toEqual(['a', 'b', 'c']);
    expect(ack.ok && ack['playback']).toMatchObject({ songId: null, status: 'paused' });
  });

  it('starts a song for everyone once both report it loaded, a lead in the future', async () => {
    const loading = await command(bob, 'playback:select', { songId: 'b' });
    expect(loading).toMatchObject({ songId: 'b', status: 'loading' });
    const before = performance.timeOrigin + performance.now();
    const playing = await bothReady('b');
    expect(playing.position).toBe(0);
    expect(playing.anchor).toBeGreaterThan(before); // scheduled ahead, not "now"
  });

  it('takes +10 s pressed on the loading view once the song has started (the start is no one’s change to lose to)', async () => {
    const loading = await command(bob, 'playback:select', { songId: 'b' });
    const playing = await bothReady('b');
    expect(playing.version).toBe(loading.version + 1);
    const skipped = await command(bob, 'playback:skip', { by: 10, version: loading.version });
    expect(skipped).toMatchObject({ songId: 'b', status: 'playing', version: playing.version + 1 });
    expect(skipped.position).toBeGreaterThanOrEqual(10);
    // Ada pressed it on the same view: the room moved once, so hers is refused.
    const late = await request(ada, 'playback:skip', { by: 10, version: loading.version });
    expect(!late.ok && late.error.code).toBe(ErrorCode.STALE_STATE);
  });

  it('starts anyway when someone never reports ready (bounded barrier)', async () => {
    await command(bob, 'playback:select', { songId: 'b' });
    const started = nextEvent(bob, 'playback:updated', (p) => p.status === 'playing', READY_BARRIER_MS + 2000);
    await request(ada, 'playback:ready', { songId: 'b' }); // Bob never does
    expect((await started).songId).toBe('b');
  });

  it('advances by itself when a song ends, exactly once, however many report the end', async () => {
    await command(ada, 'playback:select', { songId: 'a' });
    await bothReady('a');
    const advanced = nextEvent(bob, 'playback:updated', (p) => p.songId === 'b', 5000);
    // Song a lasts 2 s; both listeners report its end several times.
    await new Promise((resolve) => setTimeout(resolve, 2300));
    const reports = [ada, bob, ada, bob].map((c) => request(c, 'playback:ended', { fromSongId: 'a' }));
    await Promise.all(reports);
    expect((await advanced).status).toBe('loading');
    const after = await command(bob, 'playback:pause', {});
    expect(after.songId).toBe('b'); // not c: one advance
  });

  it('advances ten listeners pressing next at once by one song', async () => {
    await command(ada, 'playback:select', { songId: 'a' });
    const presses = Array.from({ length: 10 }, (_, i) => request(i % 2 ? ada : bob, 'playback:next', { fromSongId: 'a' }));
    const acks = await Promise.all(presses);
    expect(acks.every((a) => a.ok)).toBe(true);
    expect((await command(ada, 'playback:pause', {})).songId).toBe('b');
  });

  it('lets a non-admin pause, play and skip, but refuses their seek and leaves the room unchanged', async () => {
    await command(ada, 'playback:select', { songId: 'b' });
    const playing = await bothReady('b');
    const skipped = await command(bob, 'playback:skip', { by: 10 });
    expect(skipped.position).toBeGreaterThanOrEqual(10);
    let broadcast = false;
    ada.on('playback:updated', () => (broadcast = true));
    const refused = await request(bob, 'playback:seek', { position: 50 });
    expect(refused).toEqual({ ok: false, error: { code: ErrorCode.NOT_ADMIN, message: expect.any(String) } });
    const state = await command(bob, 'playback:pause', {});
    expect(state.version).toBe(skipped.version + 1); // only the pause changed it
    expect(broadcast).toBe(true); // the pause, not the seek
    expect(playing.songId).toBe(state.songId);
  });

  it('schedules further ahead once a member reports a slow link', async () => {
    await command(ada, 'playback:select', { songId: 'b' });
    await bothReady('b');
    const paused = await command(ada, 'playback:pause', {});
    expect(await request(bob, 'sync:report', { rtt: 400, latencyMs: 0, errorMs: null })).toEqual({ ok: true });
    const sent = performance.timeOrigin + performance.now();
    const resumed = await command(ada, 'playback:play', { version: paused.version });
    const acked = performance.timeOrigin + performance.now();
    // 400 ms round trip → 200 ms one way → 200 × 1.5 + 40 = 340 ms ahead of the server's
    // receipt, which lies between sending and the ack (5 ms either side for the two clocks'
    // reads; the bound was on `sent` alone, and a busy machine's slow ack failed it once).
    expect(resumed.anchor).toBeGreaterThan(sent + 335);
    expect(resumed.anchor).toBeLessThan(acked + 345);
  });

  it('refuses a malformed sync report', async () => {
    const ack = await request(bob, 'sync:report', { rtt: -1, latencyMs: 0, errorMs: null });
    expect(!ack.ok && ack.error.code).toBe(ErrorCode.INVALID_PAYLOAD);
  });

  it('lets the admin seek', async () => {
    await command(ada, 'playback:select', { songId: 'b' });
    await bothReady('b');
    expect((await command(ada, 'playback:seek', { position: 120 })).position).toBe(120);
  });

  it('lets the admin restrict control, after which a non-admin is refused', async () => {
    const ack = await request(ada, 'room:configure', { control: 'admin' });
    expect(ack.ok).toBe(true);
    const refused = await request(bob, 'playback:play', {});
    expect(!refused.ok && refused.error.code).toBe(ErrorCode.CONTROL_RESTRICTED);
    expect((await request(bob, 'room:configure', { control: 'everyone' })).ok).toBe(false);
  });

  describe('bad input: a typed error, the state unchanged, nobody else affected', () => {
    let before: Playback;

    beforeEach(async () => {
      await command(ada, 'playback:select', { songId: 'b' });
      before = await bothReady('b');
    });

    async function expectRefused(event: Parameters<typeof request>[1], payload: unknown, code: string): Promise<void> {
      let broadcast = false;
      const listener = (): void => {
        broadcast = true;
      };
      bob.on('playback:updated', listener);
      const ack = await request(ada, event, payload);
      expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) } });
      // A harmless round trip later: still the same playback, and nothing was broadcast.
      const probe = await request(ada, 'playback:play', {});
      expect(probe.ok).toBe(true);
      expect(before).toMatchObject((probe as unknown as { playback: Playback }).playback); // the broadcast also carries its rev
      bob.off('playback:updated', listener);
      expect(broadcast).toBe(false);
    }

    it.each([
      ['NaN', Number.NaN],
      ['Infinity', Number.POSITIVE_INFINITY],
      ['negative', -5],
      ['huge', 1e308],
      ['a string', '42'],
    ])('seek to a %s position', async (_, position) => {
      const code = position === 1e308 ? ErrorCode.POSITION_OUT_OF_RANGE : ErrorCode.INVALID_PAYLOAD;
      await expectRefused('playback:seek', { position }, code);
    });

    it.each([
      ['past the end', 9999, ErrorCode.INVALID_PAYLOAD],
      ['NaN', Number.NaN, ErrorCode.INVALID_PAYLOAD],
      ['missing', undefined, ErrorCode.INVALID_PAYLOAD],
    ])('skip by a value %s', async (_, by, code) => {
      await expectRefused('playback:skip', { by }, code);
    });

    it('select a song that does not exist', async () => {
      await expectRefused('playback:select', { songId: 'nope' }, ErrorCode.SONG_NOT_FOUND);
    });

    it('act on a stale state version', async () => {
      // Older than the view of b loading, whose start (before.version) a command made on it may follow.
      await expectRefused('playback:pause', { version: before.version - 2 }, ErrorCode.STALE_STATE);
    });

    it('an unknown field or a wrong type', async () => {
      await expectRefused('playback:pause', { force: true }, ErrorCode.INVALID_PAYLOAD);
      await expectRefused('playback:next', { fromSongId: 7 }, ErrorCode.INVALID_PAYLOAD);
    });
  });

  it('needs a joined room for playback commands', async () => {
    const stranger = await server.connect();
    const ack = await request(stranger, 'playback:play', {});
    expect(!ack.ok && ack.error.code).toBe(ErrorCode.NOT_JOINED);
  });

  it('rate-limits a play/pause flood with a clear error, and the room stays consistent', async () => {
    await command(ada, 'playback:select', { songId: 'b' });
    await bothReady('b');
    const flood = await Promise.all(
      Array.from({ length: CONTROL_BURST * 3 }, (_, i) => request(bob, i % 2 ? 'playback:play' : 'playback:pause', {})),
    );
    const limited = flood.filter((a) => !a.ok && a.error.code === ErrorCode.RATE_LIMITED);
    expect(limited.length).toBeGreaterThan(0);
    expect(flood.filter((a) => a.ok).length).toBeLessThanOrEqual(CONTROL_BURST + 1);
    // Others are not limited by Bob's flood, and everyone agrees on the state.
    const adaView = await command(ada, 'playback:pause', {});
    const bobSees = await nextEvent(bob, 'playback:updated', () => true).catch(() => null);
    const snapshot = await request(await server.connect(), 'room:join', { roomId: 'lobby', username: 'Late' });
    expect(snapshot.ok).toBe(true);
    expect(bobSees ?? adaView).toMatchObject((snapshot as unknown as { playback: Playback }).playback);
  });
});
