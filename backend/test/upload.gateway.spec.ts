import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { CHUNK_SIZE, ErrorCode, MAX_UPLOADS_PER_ROOM, UPLOAD_NAME_MAX_LENGTH, type Ack, type Song } from '@musync/protocol';

import { nextEvent, request, RunningServer, type TestClient } from './harness.js';
import { sendChunks, sha256, TINY_PNG, upload, wav } from './upload-fixtures.js';

/** Settings every server here starts with: no disk reserve (CI disks vary), default TTL. */
const BASE = { DISK_RESERVE_BYTES: '0', MAX_UPLOAD_BYTES: '0', UPLOAD_TTL_MS: '3600000' };

function songOf(ack: Ack<Record<string, unknown>>): Song {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack['song'] as Song;
}

function codeOf(ack: { ok: boolean; error?: { code: string } }): string | undefined {
  return ack.ok ? undefined : ack.error?.code;
}

describe('uploads over real sockets', () => {
  let server: RunningServer;
  let dataDir: string;
  let ada: TestClient; // admin of lobby
  let bob: TestClient;

  async function enter(name: string, roomId = 'lobby'): Promise<TestClient> {
    const client = await server.connect();
    const ack = await request(client, 'room:join', { roomId, username: name });
    if (!ack.ok) throw new Error(ack.error.message);
    return client;
  }

  async function boot(env: Record<string, string> = {}, dir?: string): Promise<void> {
    server = await RunningServer.start({ ...BASE, ...env }, dir);
    dataDir = process.env['DATA_DIR']!;
    ada = await enter('Ada');
    bob = await enter('Bob');
  }

  async function start(client: TestClient, bytes: Buffer, name = 'song.wav', extra: object = {}): Promise<string> {
    const ack = await request(client, 'upload:start', { name, size: bytes.length, ...extra });
    if (!ack.ok) throw new Error(`upload:start refused: ${ack.error.code}`);
    return ack['uploadId'] as string;
  }

  const tempFiles = async (): Promise<string[]> => readdir(join(dataDir, 'uploads')).catch(() => []);
  const playlist = async (): Promise<readonly Song[]> => {
    const probe = await server.connect();
    const ack = await request(probe, 'room:join', { roomId: 'lobby', username: 'Probe' });
    probe.disconnect();
    return ack.ok ? (ack['playlist'] as Song[]) : [];
  };

  afterEach(async () => {
    await server.stop();
  });

  describe('with a fresh server', () => {
    beforeEach(() => boot());

    it('adds an uploaded song for everyone, titled from its tags, stored under its content hash', async () => {
      const bytes = wav(1.5, { title: 'Blue in Green', artist: 'Miles Davis' });
      const announced = nextEvent(bob, 'playlist:updated', (p) => p.songs.length === 1);
      const ack = await upload(ada, bytes, 'whatever.wav', { sha256: sha256(bytes) });
      const song = songOf(ack);
      expect(song).toMatchObject({ id: sha256(bytes), title: 'Blue in Green', artist: 'Miles Davis', coverUrl: null });
      expect(song.duration).toBeCloseTo(1.5, 2);
      expect(song.url).toBe(`/api/media/${sha256(bytes)}`);
      expect((await announced).songs[0]).toEqual(song);
      expect(sha256(await readFile(join(dataDir, 'media', song.id)))).toBe(song.id);
      expect(await tempFiles()).toEqual([]);
    });

    it('takes a multi-megabyte file sent 8 chunks at a time, byte for byte', async () => {
      const bytes = wav(250); // 4 MB, 62 chunks
      const ack = await upload(ada, bytes, 'long.wav', { sha256: sha256(bytes) });
      expect(songOf(ack).duration).toBeCloseTo(250, 2);
      expect(sha256(await readFile(join(dataDir, 'media', sha256(bytes))))).toBe(sha256(bytes));
    });

    it('reads cover art and album from an ID3 tag', async () => {
      const bytes = wav(1, { title: 'Covered', album: 'Art', cover: TINY_PNG });
      const ack = await upload(ada, bytes);
      const song = songOf(ack);
      expect(song).toMatchObject({ title: 'Covered', album: 'Art', coverUrl: `/api/media/${song.id}/cover` });
    });

    it('titles an untagged file by its name without extension, never using the name as a path', async () => {
      const ack = await upload(ada, wav(1), '../../../etc/evil\u0000name.wav');
      expect(songOf(ack).title).toBe('evilname');
      expect((await readdir(join(dataDir, '..'))).some((n) => n.includes('evil'))).toBe(false);
      expect((await readdir(join(dataDir, 'media'))).every((n) => /^[0-9a-f]{64}(\.json|\.cover)?$/.test(n))).toBe(true);
    });

    it('caps a 300-character name', async () => {
      const ack = await upload(ada, wav(1), `${'x'.repeat(300)}.wav`);
      expect(songOf(ack).title).toBe('x'.repeat(UPLOAD_NAME_MAX_LENGTH));
    });

    it('lets only the admin upload, checked at start and on every chunk', async () => {
      const bytes = wav(1);
      expect(codeOf(await request(bob, 'upload:start', { name: 'a.wav', size: bytes.length }))).toBe(ErrorCode.NOT_ADMIN);
      const uploadId = await start(ada, bytes);
      const chunk = { uploadId, offset: 0, data: bytes.subarray(0, 100) };
      expect(codeOf(await request(bob, 'upload:chunk', chunk))).toBe(ErrorCode.NOT_ADMIN);
      expect(codeOf(await request(bob, 'upload:finish', { uploadId }))).toBe(ErrorCode.NOT_ADMIN);
      const stranger = await server.connect();
      expect(codeOf(await request(stranger, 'upload:chunk', chunk))).toBe(ErrorCode.NOT_JOINED);
    });

    it('refuses a chunk for an unknown upload or another room\'s upload', async () => {
      const data = Buffer.alloc(10);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect(codeOf(await request(ada, 'upload:chunk', { uploadId: unknown, offset: 0, data }))).toBe(ErrorCode.UPLOAD_NOT_FOUND);
      expect(codeOf(await request(ada, 'upload:chunk', { uploadId: '../x', offset: 0, data }))).toBe(ErrorCode.INVALID_PAYLOAD);
      const uploadId = await start(ada, wav(1));
      const eve = await enter('Eve', 'elsewhere'); // admin of her own room
      expect(codeOf(await request(eve, 'upload:chunk', { uploadId, offset: 0, data }))).toBe(ErrorCode.UPLOAD_NOT_FOUND);
      expect(codeOf(await request(eve, 'upload:finish', { uploadId }))).toBe(ErrorCode.UPLOAD_NOT_FOUND);
    });

    it('refuses a chunk over 64 KiB, text instead of binary, and an empty file', async () => {
      const uploadId = await start(ada, wav(10));
      const big = await request(ada, 'upload:chunk', { uploadId, offset: 0, data: Buffer.alloc(CHUNK_SIZE + 1) });
      expect(codeOf(big)).toBe(ErrorCode.INVALID_PAYLOAD);
      const base64 = await request(ada, 'upload:chunk', { uploadId, offset: 0, data: 'UklGRg==' });
      expect(codeOf(base64)).toBe(ErrorCode.INVALID_PAYLOAD);
      expect(codeOf(await request(ada, 'upload:start', { name: 'empty.wav', size: 0 }))).toBe(ErrorCode.INVALID_PAYLOAD);
      expect(await request(ada, 'upload:status', { uploadId })).toMatchObject({ ok: true, offset: 0 });
    });

    it('refuses a wrong offset naming the expected one, and takes an exact resend once', async () => {
      const bytes = wav(5);
      const uploadId = await start(ada, bytes);
      const first = bytes.subarray(0, CHUNK_SIZE);
      expect(await request(ada, 'upload:chunk', { uploadId, offset: 0, data: first })).toMatchObject({ ok: true, offset: CHUNK_SIZE });
      const skipped = await request(ada, 'upload:chunk', { uploadId, offset: 2 * CHUNK_SIZE, data: first });
      expect(codeOf(skipped)).toBe(ErrorCode.CHUNK_OFFSET);
      expect(!skipped.ok && skipped.error.message).toContain(String(CHUNK_SIZE));
      // The same bytes again (a lost ack): acknowledged, not written twice.
      expect(await request(ada, 'upload:chunk', { uploadId, offset: 0, data: first })).toMatchObject({ ok: true, offset: CHUNK_SIZE });
      // Different bytes at an old offset: refused.
      const changed = await request(ada, 'upload:chunk', { uploadId, offset: 0, data: Buffer.alloc(CHUNK_SIZE) });
      expect(codeOf(changed)).toBe(ErrorCode.CHUNK_OFFSET);
      expect((await sendChunks(ada, uploadId, bytes, { from: CHUNK_SIZE })).ok).toBe(true);
      const done = await request(ada, 'upload:finish', { uploadId });
      expect(songOf(done).id).toBe(sha256(bytes));
    });

    it('refuses to finish with bytes missing, then finishes once they arrive', async () => {
      const bytes = wav(30);
      const uploadId = await start(ada, bytes);
      await sendChunks(ada, uploadId, bytes.subarray(0, 2 * CHUNK_SIZE));
      const early = await request(ada, 'upload:finish', { uploadId });
      expect(codeOf(early)).toBe(ErrorCode.UPLOAD_INCOMPLETE);
      expect(await playlist()).toEqual([]);
      expect((await sendChunks(ada, uploadId, bytes, { from: 2 * CHUNK_SIZE })).ok).toBe(true);
      expect((await request(ada, 'upload:finish', { uploadId })).ok).toBe(true);
    });

    it('discards an upload whose chunks exceed its declared size', async () => {
      const bytes = wav(5);
      const uploadId = await start(ada, bytes.subarray(0, CHUNK_SIZE + 10));
      const ack = await sendChunks(ada, uploadId, bytes);
      expect(codeOf(ack)).toBe(ErrorCode.UPLOAD_SIZE_MISMATCH);
      expect(await tempFiles()).toEqual([]);
    });

    it('discards an upload whose bytes do not match its sha256', async () => {
      const bytes = wav(2);
      const ack = await upload(ada, bytes, 'song.wav', { sha256: sha256(Buffer.from('something else')) });
      expect(codeOf(ack)).toBe(ErrorCode.UPLOAD_HASH_MISMATCH);
      expect(await tempFiles()).toEqual([]);
      expect(await playlist()).toEqual([]);
    });

    it('refuses a text file renamed .mp3 and a WAV with no audio', async () => {
      const text = Buffer.from('This is not music. '.repeat(200));
      expect(codeOf(await upload(ada, text, 'hit.mp3'))).toBe(ErrorCode.UNSUPPORTED_FORMAT);
      expect(codeOf(await upload(ada, wav(0), 'silence.wav'))).toBe(ErrorCode.UNSUPPORTED_FORMAT);
      expect(await tempFiles()).toEqual([]);
      expect(await readdir(join(dataDir, 'media')).catch(() => [])).toEqual([]);
      expect(await playlist()).toEqual([]);
    });

    it('resumes an interrupted upload: the same file started again continues at the server\'s offset', async () => {
      const bytes = wav(30);
      const uploadId = await start(ada, bytes, 'long.wav', { sha256: sha256(bytes) });
      await sendChunks(ada, uploadId, bytes.subarray(0, 3 * CHUNK_SIZE));
      const again = await request(ada, 'upload:start', { name: 'long.wav', size: bytes.length, sha256: sha256(bytes) });
      expect(again).toMatchObject({ ok: true, uploadId, offset: 3 * CHUNK_SIZE, chunkSize: CHUNK_SIZE });
      expect(await request(ada, 'upload:status', { uploadId })).toMatchObject({ ok: true, offset: 3 * CHUNK_SIZE });
    });

    it('cancels an upload and deletes its temp file', async () => {
      const bytes = wav(2);
      const uploadId = await start(ada, bytes);
      await sendChunks(ada, uploadId, bytes.subarray(0, CHUNK_SIZE));
      expect((await request(ada, 'upload:cancel', { uploadId })).ok).toBe(true);
      expect(await tempFiles()).toEqual([]);
      expect(codeOf(await request(ada, 'upload:status', { uploadId }))).toBe(ErrorCode.UPLOAD_NOT_FOUND);
    });

    it('limits unfinished uploads per room', async () => {
      const acks = [];
      for (let i = 0; i < 50; i++) acks.push(await request(ada, 'upload:start', { name: `song ${i}.wav`, size: 1000 }));
      expect(acks.filter((a) => a.ok)).toHaveLength(MAX_UPLOADS_PER_ROOM);
      expect(codeOf(acks[MAX_UPLOADS_PER_ROOM]!)).toBe(ErrorCode.TOO_MANY_UPLOADS);
      expect(await tempFiles()).toHaveLength(2 * MAX_UPLOADS_PER_ROOM); // a record and a part each
    });
  });

  it('expires abandoned uploads and deletes their temp files', async () => {
    await boot({ UPLOAD_TTL_MS: '300' });
    for (let i = 0; i < 5; i++) await start(ada, wav(1), `song ${i}.wav`);
    expect(await tempFiles()).toHaveLength(10);
    // The sweep runs every TTL / 2; on a loaded machine give it a few rounds.
    const deadline = Date.now() + 5000;
    while ((await tempFiles()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await tempFiles()).toEqual([]);
    expect((await request(ada, 'upload:start', { name: 'next.wav', size: 10 })).ok).toBe(true);
  });

  it('refuses a file over MAX_UPLOAD_BYTES', async () => {
    await boot({ MAX_UPLOAD_BYTES: '1000' });
    expect(codeOf(await request(ada, 'upload:start', { name: 'big.wav', size: 1001 }))).toBe(ErrorCode.UPLOAD_TOO_LARGE);
    expect(await tempFiles()).toEqual([]);
  });

  it('stops an upload with DISK_FULL when the disk reserve is reached, and keeps serving', async () => {
    await boot({ DISK_RESERVE_BYTES: String(Number.MAX_SAFE_INTEGER) });
    const bytes = wav(2);
    const uploadId = await start(ada, bytes);
    const ack = await sendChunks(ada, uploadId, bytes);
    expect(codeOf(ack)).toBe(ErrorCode.DISK_FULL);
    expect(await tempFiles()).toEqual([]);
    expect((await request(ada, 'time:ping', { t0: 1 })).ok).toBe(true);
  });

  it('resumes an upload after a server restart, from the bytes on disk', async () => {
    await boot();
    const bytes = wav(30, { title: 'Survivor' });
    const hash = sha256(bytes);
    const uploadId = await start(ada, bytes, 'survivor.wav', { sha256: hash });
    await sendChunks(ada, uploadId, bytes.subarray(0, 4 * CHUNK_SIZE));
    const dir = await server.stop({ keepData: true });
    await boot({}, dir);
    const resumed = await request(ada, 'upload:start', { name: 'survivor.wav', size: bytes.length, sha256: hash });
    expect(resumed).toMatchObject({ ok: true, uploadId, offset: 4 * CHUNK_SIZE });
    expect((await sendChunks(ada, uploadId, bytes, { from: 4 * CHUNK_SIZE })).ok).toBe(true);
    const done = await request(ada, 'upload:finish', { uploadId });
    expect(songOf(done)).toMatchObject({ id: hash, title: 'Survivor' });
    expect(sha256(await readFile(join(dataDir, 'media', hash)))).toBe(hash);
  });
});
