import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

import { CONTROL_BURST, ErrorCode, localSongId } from '@musync/protocol';

import { enter, nextEvent, record, request, RunningServer, song, type TestClient } from './harness.js';

const FP = 'c'.repeat(64);
const OTHER_FP = 'd'.repeat(64);
const LOCAL_ID = localSongId(FP);
const mine = { fingerprint: FP, size: 88_200, duration: 1, title: 'Click', artist: null, album: null };

const refusedWith = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

describe('own-copy songs over real sockets', () => {
  let server: RunningServer;
  let ada: TestClient; // admin
  let bob: TestClient;
  let cy: TestClient;
  let ids: { ada: string; bob: string; cy: string };

  beforeEach(async () => {
    server = await RunningServer.start();
    const a = await enter(server, 'Ada');
    const b = await enter(server, 'Bob');
    const c = await enter(server, 'Cy');
    [ada, bob, cy] = [a.client, b.client, c.client];
    ids = { ada: a.joined.memberId, bob: b.joined.memberId, cy: c.joined.memberId };
  });

  afterEach(async () => {
    await server.stop();
  });

  it('adds a song by fingerprint for everyone, and counts only matching copies as held', async () => {
    const listed = nextEvent(cy, 'playlist:updated', (p) => p.songs.length === 1);
    const added = await request(ada, 'playlist:add-local', mine);
    expect(added).toMatchObject({ ok: true, song: { id: LOCAL_ID, url: '', source: { kind: 'local', fingerprint: FP } } });
    expect((await listed).songs[0]).toMatchObject({ id: LOCAL_ID, title: 'Click', source: { kind: 'local', size: 88_200 } });

    const bobHolds = nextEvent(cy, 'copies:updated', (u) => u.copies[LOCAL_ID]?.length === 2);
    expect(await request(bob, 'copies:report', { fingerprints: [FP] })).toEqual({
      ok: true,
      copies: { [LOCAL_ID]: [ids.ada, ids.bob] },
    });
    expect((await bobHolds).copies).toEqual({ [LOCAL_ID]: [ids.ada, ids.bob] });

    // Cy claims a different file: not counted.
    expect(await request(cy, 'copies:report', { fingerprints: [OTHER_FP] })).toEqual({
      ok: true,
      copies: { [LOCAL_ID]: [ids.ada, ids.bob] },
    });

    const dee = await enter(server, 'Dee');
    expect(dee.joined.copies).toEqual({ [LOCAL_ID]: [ids.ada, ids.bob] });
    expect(dee.joined.playlist[0]).toMatchObject({ id: LOCAL_ID, source: { kind: 'local', fingerprint: FP } });
  });

  it.each([
    ['a fingerprint that is not 64 hex digits', { fingerprint: 'abc' }],
    ['an uppercase fingerprint', { fingerprint: FP.toUpperCase() }],
    ['a negative size', { size: -5 }],
    ['an absurd size', { size: 1e15 }],
    ['a negative duration', { duration: -1 }],
    ['an absurd duration', { duration: 1e9 }],
    ['a missing title', { title: undefined }],
    ['an extra field', { url: 'http://evil.example/x.mp3' }],
  ])('refuses %s with INVALID_PAYLOAD and adds nothing', async (_, change) => {
    const updates = record(bob, 'playlist:updated');
    expect(await request(ada, 'playlist:add-local', { ...mine, ...change })).toEqual(
      refusedWith(ErrorCode.INVALID_PAYLOAD),
    );
    expect(await updates.stop()).toEqual([]);
  });

  it('refuses malformed copy reports', async () => {
    expect(await request(bob, 'copies:report', { fingerprints: ['nope'] })).toEqual(refusedWith(ErrorCode.INVALID_PAYLOAD));
    expect(await request(bob, 'copies:report', { fingerprints: FP })).toEqual(refusedWith(ErrorCode.INVALID_PAYLOAD));
    expect(await request(bob, 'copies:report', null)).toEqual(refusedWith(ErrorCode.INVALID_PAYLOAD));
  });

  it('lets only the admin add, unless the room lets everyone', async () => {
    expect(await request(bob, 'playlist:add-local', mine)).toEqual(refusedWith(ErrorCode.NOT_ADMIN));
    expect(await request(ada, 'room:configure', { addSongs: 'everyone' })).toMatchObject({
      ok: true,
      settings: { addSongs: 'everyone', waitForCopies: false },
    });
    expect(await request(bob, 'playlist:add-local', mine)).toMatchObject({ ok: true, song: { id: LOCAL_ID } });
  });

  it('limits a flood of adds', async () => {
    const acks = await Promise.all(
      Array.from({ length: CONTROL_BURST + 5 }, (_, i) =>
        request(ada, 'playlist:add-local', { ...mine, fingerprint: i.toString(16).padStart(64, '0') }),
      ),
    );
    expect(acks.filter((a) => !a.ok)).toContainEqual(refusedWith(ErrorCode.RATE_LIMITED));
    const late = await enter(server, 'Eve');
    expect(late.joined.playlist).toHaveLength(acks.filter((a) => a.ok).length);
  });

  it('removes an own-copy song without touching the media store', async () => {
    await server.seed('lobby', [song('up')]);
    await request(ada, 'playlist:add-local', mine);
    const mediaDir = join(process.env['DATA_DIR']!, 'media');
    const before = await readdir(mediaDir).catch(() => []);
    const gone = nextEvent(bob, 'copies:updated', (u) => !(LOCAL_ID in u.copies));
    expect(await request(ada, 'playlist:remove', { songId: LOCAL_ID })).toEqual({ ok: true });
    await gone;
    expect(await readdir(mediaDir).catch(() => [])).toEqual(before);
  });

  it('with wait-for-copies, starts the song only once everyone present holds a copy', async () => {
    await request(ada, 'room:configure', { waitForCopies: true });
    await request(ada, 'playlist:add-local', mine);
    await request(bob, 'copies:report', { fingerprints: [FP] });
    expect(await request(ada, 'playback:select', { songId: LOCAL_ID })).toMatchObject({
      ok: true,
      playback: { status: 'loading' },
    });
    for (const c of [ada, bob, cy]) await request(c, 'playback:ready', { songId: LOCAL_ID });
    const still = record(bob, 'playback:updated');
    expect(await still.stop(300)).toEqual([]);

    const started = nextEvent(bob, 'playback:updated', (p) => p.status === 'playing');
    await request(cy, 'copies:report', { fingerprints: [FP] });
    expect(await started).toMatchObject({ songId: LOCAL_ID, status: 'playing', position: 0 });
  });
});
