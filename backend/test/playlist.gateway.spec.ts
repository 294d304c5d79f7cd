import { access } from 'node:fs/promises';
import { join } from 'node:path';

import { ErrorCode, type Ack, type Song } from '@musync/protocol';

import { enter as enterRoom, nextEvent, record, request, RunningServer, song as seededSong, type TestClient } from './harness.js';
import { upload, wav } from './upload-fixtures.js';

const BASE = { DISK_RESERVE_BYTES: '0', MAX_UPLOAD_BYTES: '0' };

function songOf(ack: Ack<Record<string, unknown>>): Song {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack['song'] as Song;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

describe('removing songs over real sockets', () => {
  let server: RunningServer;
  let dataDir: string;

  async function boot(dir?: string): Promise<void> {
    server = await RunningServer.start(BASE, dir);
    dataDir = process.env['DATA_DIR']!;
  }

  async function enter(name: string, roomId = 'lobby'): Promise<TestClient> {
    const client = await server.connect();
    const ack = await request(client, 'room:join', { roomId, username: name });
    if (!ack.ok) throw new Error(ack.error.message);
    return client;
  }

  const mediaFiles = (song: Song): string[] => [join(dataDir, 'media', song.id), join(dataDir, 'media', `${song.id}.json`)];
  const stored = async (song: Song): Promise<boolean> => (await Promise.all(mediaFiles(song).map(exists))).every(Boolean);
  const gone = async (song: Song): Promise<boolean> => !(await Promise.all(mediaFiles(song).map(exists))).some(Boolean);

  afterEach(async () => {
    await server.stop();
  });

  describe('in one room', () => {
    let ada: TestClient; // admin
    let bob: TestClient;
    let songs: Song[];

    beforeEach(async () => {
      await boot();
      ada = await enter('Ada');
      bob = await enter('Bob');
      songs = [];
      for (const title of ['One', 'Two', 'Three']) songs.push(songOf(await upload(ada, wav(2, { title }), `${title}.wav`)));
    });

    it('takes the song off everyone\'s playlist and deletes its file', async () => {
      const seen = nextEvent(bob, 'playlist:updated', (p) => p.songs.length === 2);
      expect(await request(ada, 'playlist:remove', { songId: songs[1]!.id })).toEqual({ ok: true });
      expect((await seen).songs.map((s) => s.title)).toEqual(['One', 'Three']);
      expect(await gone(songs[1]!)).toBe(true);
      expect(await stored(songs[0]!)).toBe(true);
      const media = await fetch(`${server.url}${songs[1]!.url}`);
      expect(media.status).toBe(404);
    });

    it('plays the next song when the one playing is removed', async () => {
      const [one, two] = songs as [Song, Song, Song];
      await request(ada, 'playback:select', { songId: one.id });
      const cued = nextEvent(bob, 'playback:updated', (p) => p.songId === two.id);
      // Nobody reports the new song ready here, so it starts when the ready barrier runs out.
      const playing = nextEvent(bob, 'playback:updated', (p) => p.songId === two.id && p.status === 'playing', 6000);
      expect((await request(ada, 'playlist:remove', { songId: one.id })).ok).toBe(true);
      expect(await cued).toMatchObject({ songId: two.id, status: 'loading', position: 0 });
      expect(await playing).toMatchObject({ songId: two.id, position: 0 });
    });

    it('lets only the admin remove, and refuses unknown songs and bad payloads, changing nothing', async () => {
      const refusals: [TestClient, unknown, string][] = [
        [bob, { songId: songs[0]!.id }, ErrorCode.NOT_ADMIN],
        [ada, { songId: 'f'.repeat(64) }, ErrorCode.SONG_NOT_FOUND],
        [ada, {}, ErrorCode.INVALID_PAYLOAD],
        [ada, { songId: songs[0]!.id, extra: 1 }, ErrorCode.INVALID_PAYLOAD],
        [ada, { songId: 42 }, ErrorCode.INVALID_PAYLOAD],
        [ada, 'x'.repeat(100), ErrorCode.INVALID_PAYLOAD],
      ];
      for (const [client, payload, code] of refusals) {
        expect(await request(client, 'playlist:remove', payload)).toMatchObject({ ok: false, error: { code } });
      }
      const probe = await server.connect();
      const joined = await request(probe, 'room:join', { roomId: 'lobby', username: 'Probe' });
      expect(joined.ok && (joined['playlist'] as Song[]).map((s) => s.title)).toEqual(['One', 'Two', 'Three']);
      for (const song of songs) expect(await stored(song)).toBe(true);
    });
  });

  it('keeps a file another room still lists, also one only on disk after a restart, and deletes it with the last', async () => {
    await boot();
    const bytes = wav(2, { title: 'Shared' });
    const lobbyAdmin = await enter('Ada', 'lobby');
    const jazzAdmin = await enter('Cy', 'jazz');
    const song = songOf(await upload(lobbyAdmin, bytes, 'shared.wav'));
    expect(songOf(await upload(jazzAdmin, bytes, 'shared.wav')).id).toBe(song.id);

    // Restart: only lobby is loaded again; jazz is on disk alone.
    const dir = await server.stop({ keepData: true });
    await boot(dir);
    const ada = await enter('Ada', 'lobby');
    expect((await request(ada, 'playlist:remove', { songId: song.id })).ok).toBe(true);
    expect(await stored(song)).toBe(true);
    expect((await fetch(`${server.url}${song.url}`)).status).toBe(200);

    const cy = await enter('Cy', 'jazz');
    expect((await request(cy, 'playlist:remove', { songId: song.id })).ok).toBe(true);
    expect(await gone(song)).toBe(true);
  });
});

describe('reordering the playlist over real sockets', () => {
  let server: RunningServer;
  const ids = (songs: readonly Song[]): string[] => songs.map((s) => s.id);

  beforeEach(async () => {
    server = await RunningServer.start();
    await server.seed('lobby', [seededSong('a'), seededSong('b'), seededSong('c')]);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('the admin moves a song and everyone gets the new order; a late joiner and a restart keep it', async () => {
    const ada = (await enterRoom(server, 'Ada')).client;
    const bob = (await enterRoom(server, 'Bob')).client;
    const seen = nextEvent(bob, 'playlist:updated');
    expect(await request(ada, 'playlist:move', { songId: 'c', toIndex: 0 })).toEqual({ ok: true });
    expect(ids((await seen).songs)).toEqual(['c', 'a', 'b']);
    expect(ids((await enterRoom(server, 'Cy')).joined.playlist)).toEqual(['c', 'a', 'b']);

    const dataDir = await server.stop({ keepData: true });
    server = await RunningServer.start({}, dataDir);
    expect(ids((await enterRoom(server, 'Dee')).joined.playlist)).toEqual(['c', 'a', 'b']);
  });

  it('refuses a listener, an unknown song, a place past the end and a malformed payload, changing nothing', async () => {
    const ada = (await enterRoom(server, 'Ada')).client;
    const bob = (await enterRoom(server, 'Bob')).client;
    const updates = record(bob, 'playlist:updated');
    const refused = async (client: TestClient, payload: unknown): Promise<string | undefined> => {
      const ack = await request(client, 'playlist:move', payload);
      return ack.ok ? undefined : ack.error.code;
    };
    expect(await refused(bob, { songId: 'a', toIndex: 2 })).toBe(ErrorCode.NOT_ADMIN);
    expect(await refused(ada, { songId: 'zzz', toIndex: 0 })).toBe(ErrorCode.SONG_NOT_FOUND);
    expect(await refused(ada, { songId: 'a', toIndex: 3 })).toBe(ErrorCode.PLAYLIST_INDEX_OUT_OF_RANGE);
    for (const bad of [{ songId: 'a', toIndex: -1 }, { songId: 'a', toIndex: 1.5 }, { songId: 'a' }, { songId: 'a', toIndex: '1' }, null]) {
      expect(await refused(ada, bad)).toBe(ErrorCode.INVALID_PAYLOAD);
    }
    expect(await updates.stop()).toEqual([]);
    expect(ids((await enterRoom(server, 'Cy')).joined.playlist)).toEqual(['a', 'b', 'c']);
  });
});

