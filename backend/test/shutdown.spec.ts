import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CHUNK_SIZE, relayBatches, type JoinResult, type Song } from '@musync/protocol';
import { io } from 'socket.io-client';

import { request, type TestClient } from './harness.js';
import { startProcess } from './process-harness.js';
import { sendChunks, sha256, upload, wav } from './upload-fixtures.js';

const ADMIN_TOKEN = 'shutdown-admin-token-01';

async function joinAt(url: string, username: string, clientToken = ADMIN_TOKEN): Promise<{ client: TestClient; joined: JoinResult }> {
  const client: TestClient = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  relayBatches(client);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('connect_error', reject);
  });
  const ack = await request(client, 'room:join', { roomId: 'keep', username, clientToken });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  return { client, joined: ack as unknown as JoinResult };
}

describe('graceful shutdown and crashes (the built server as a process)', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'musync-shutdown-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM during playback and an upload: clients are told to reconnect, nothing persisted is lost, the upload resumes', async () => {
    const first = await startProcess(dataDir);
    const ada = await joinAt(first.url, 'Ada');
    expect((await upload(ada.client, wav(3, { title: 'Kept' }), 'kept.wav')).ok).toBe(true);
    expect((await request(ada.client, 'chat:send', { text: 'before the restart' })).ok).toBe(true);
    expect((await request(ada.client, 'playback:play', {})).ok).toBe(true);

    // Longer than what goes up before and during the signal, so a part is left to resume.
    const bytes = wav(80, { title: 'Half way' });
    expect(bytes.length).toBeGreaterThan(12 * CHUNK_SIZE);
    const hash = sha256(bytes);
    const started = await request(ada.client, 'upload:start', { name: 'half.wav', size: bytes.length, sha256: hash });
    const uploadId = (started as unknown as { uploadId: string }).uploadId;
    expect((await sendChunks(ada.client, uploadId, bytes.subarray(0, 4 * CHUNK_SIZE))).ok).toBe(true);
    // More chunks in flight as the signal lands.
    const inFlight = sendChunks(ada.client, uploadId, bytes.subarray(0, 12 * CHUNK_SIZE), { from: 4 * CHUNK_SIZE }).catch(
      () => null,
    );
    const reason = new Promise<string>((resolve) => ada.client.once('disconnect', resolve));
    first.child.kill('SIGTERM');
    // A transport close, not Socket.IO's "server disconnect": a client reconnects by itself.
    expect(await reason).toBe('transport close');
    expect(await first.exited).toBe(0);
    await inFlight;

    const second = await startProcess(dataDir);
    try {
      const back = await joinAt(second.url, 'Ada');
      expect(back.joined.playlist.map((s) => s.title)).toEqual(['Kept']);
      expect(back.joined.playback.songId).toBe(back.joined.playlist[0]!.id);
      expect(back.joined.chat.some((line) => line.kind === 'message' && line.text === 'before the restart')).toBe(true);

      const resumed = await request(back.client, 'upload:start', { name: 'half.wav', size: bytes.length, sha256: hash });
      expect(resumed).toMatchObject({ ok: true, uploadId });
      const offset = (resumed as unknown as { offset: number }).offset;
      expect(offset).toBeGreaterThanOrEqual(4 * CHUNK_SIZE);
      expect(offset).toBeLessThan(bytes.length);
      expect(offset % CHUNK_SIZE).toBe(0);
      expect((await sendChunks(back.client, uploadId, bytes, { from: offset })).ok).toBe(true);
      const done = await request(back.client, 'upload:finish', { uploadId });
      expect((done as unknown as { song: Song }).song).toMatchObject({ id: hash, title: 'Half way' });
      back.client.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('SIGTERM writes the chat line still waiting out its write delay', async () => {
    // A delay no test outlasts: the line can only reach the disk through the shutdown's flush.
    const first = await startProcess(dataDir, { ROOM_WRITE_DELAY_MS: '60000' });
    const ada = await joinAt(first.url, 'Ada');
    // A song keeps the room in memory when Ada's connection closes (an emptied room is written as it leaves).
    expect((await upload(ada.client, wav(1, { title: 'Anchor' }), 'anchor.wav')).ok).toBe(true);
    expect((await request(ada.client, 'chat:send', { text: 'the last word' })).ok).toBe(true);
    const file = join(dataDir, 'rooms', 'keep.json');
    expect(await readFile(file, 'utf8').catch(() => '')).not.toContain('the last word');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    ada.client.close();
    expect(await readFile(file, 'utf8')).toContain('the last word');

    const second = await startProcess(dataDir);
    try {
      const back = await joinAt(second.url, 'Ada');
      expect(back.joined.chat.some((line) => line.kind === 'message' && line.text === 'the last word')).toBe(true);
      back.client.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('kill -9 once chat lines reached the journal: the restart folds them into the room, and nothing is left in the journal', async () => {
    const first = await startProcess(dataDir);
    const ada = await joinAt(first.url, 'Ada');
    for (const text of ['one', 'two', 'three']) expect((await request(ada.client, 'chat:send', { text })).ok).toBe(true);
    const journal = join(dataDir, 'chat-journal');
    const journaled = async (): Promise<string> =>
      (await Promise.all((await readdir(journal).catch(() => [])).map((name) => readFile(join(journal, name), 'utf8')))).join('');
    for (let i = 0; i < 100 && !(await journaled()).includes('"three"'); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await journaled()).toContain('"three"');
    // Only chat changed since the join: the room's own file does not hold the lines.
    expect(await readFile(join(dataDir, 'rooms', 'keep.json'), 'utf8').catch(() => '')).not.toContain('"three"');
    first.child.kill('SIGKILL');
    await first.exited;
    ada.client.close();

    const second = await startProcess(dataDir);
    try {
      const back = await joinAt(second.url, 'Ada');
      expect(back.joined.chat.flatMap((line) => (line.kind === 'message' ? [line.text] : []))).toEqual(['one', 'two', 'three']);
      expect(await readFile(join(dataDir, 'rooms', 'keep.json'), 'utf8')).toContain('"three"');
      expect(await journaled()).not.toContain('"three"'); // replayed, then deleted (the join's own notices may be there)
      back.client.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  });

  it('kill -9 in the middle of state writes, again and again: every restart comes back with a valid state', async () => {
    const rounds = 6;
    let lastSeen = 0;
    for (let round = 0; round <= rounds; round += 1) {
      const server = await startProcess(dataDir, { CHAT_HISTORY: '1000' });
      const { client, joined } = await joinAt(server.url, 'Ada');
      const messages = joined.chat.filter((line) => line.kind === 'message');
      // The state file is never torn: what one restart read, the next still has (writes only add lines).
      expect(messages.length).toBeGreaterThanOrEqual(lastSeen);
      expect(new Set(joined.chat.map((line) => line.id)).size).toBe(joined.chat.length);
      lastSeen = messages.length;
      if (round === rounds) {
        // The last round only checks: the round before it let its writes land, so there is something to keep.
        expect(messages.some((line) => line.kind === 'message' && line.text.startsWith(`round ${rounds - 1} `))).toBe(true);
        client.close();
        server.child.kill('SIGKILL');
        await server.exited;
        break;
      }
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 5; i += 1) {
        writes.push(request(client, 'chat:send', { text: `round ${round} line ${i}` }).catch(() => null));
        writes.push(request(client, 'room:configure', { skipThreshold: 1 + ((round + i) % 5) }).catch(() => null));
      }
      if (round === rounds - 1) {
        await Promise.all(writes);
        await untilWritten(join(dataDir, 'rooms', 'keep.json'), `round ${round} line 4`);
      } else {
        // Killed at a different moment each round: before, during and after the writes.
        await Promise.race([Promise.all(writes), new Promise((resolve) => setTimeout(resolve, round * 20))]);
      }
      server.child.kill('SIGKILL');
      await server.exited;
      client.close();
    }
    const rooms = await readdir(join(dataDir, 'rooms'));
    expect(rooms.filter((name) => name.includes('unreadable'))).toEqual([]);
  }, 120_000);
});

/** Waits (up to 5 s) until the file holds `text`. */
async function untilWritten(path: string, text: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await readFile(path, 'utf8').catch(() => '')).includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${path} never held "${text}"`);
}
