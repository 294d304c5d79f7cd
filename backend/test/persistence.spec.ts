import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { Playback, RoomSettings, Song } from '@musync/protocol';

import { request, RunningServer } from './harness.js';

const songs: Song[] = ['one', 'two', 'three'].map((id) => ({
  id,
  title: `Song ${id}`,
  artist: 'Band',
  album: null,
  duration: 120,
  url: `/media/${id}`,
  coverUrl: null,
}));

async function snapshot(server: RunningServer, roomId = 'lobby') {
  const client = await server.connect();
  const ack = await request(client, 'room:join', { roomId, username: 'Checker' });
  if (!ack.ok) throw new Error(ack.error.message);
  client.disconnect();
  return ack as unknown as { playlist: Song[]; playback: Playback; settings: RoomSettings };
}

describe('a restart keeps what the room built (embedded default, DATA_DIR)', () => {
  it('keeps the songs, their order, the settings and the song that was on', async () => {
    const first = await RunningServer.start({ ADMIN_GRACE_MS: '0' });
    await first.seed('lobby', songs);
    const admin = await first.connect();
    await request(admin, 'room:join', { roomId: 'lobby', username: 'Ada' });
    await request(admin, 'room:configure', { control: 'admin' });
    await request(admin, 'playback:select', { songId: 'two' });
    const dataDir = await first.stop({ keepData: true });

    const second = await RunningServer.start({}, dataDir);
    try {
      const after = await snapshot(second);
      expect(after.playlist.map((s) => s.id)).toEqual(['one', 'two', 'three']);
      expect(after.playlist[0]).toEqual(songs[0]);
      expect(after.settings).toEqual({ control: 'admin' });
      expect(after.playback).toMatchObject({ songId: 'two', status: 'paused' });
    } finally {
      await second.stop();
    }
  });

  it('writes one file per room and no temp files', async () => {
    const server = await RunningServer.start();
    await server.seed('lobby', songs.slice(0, 1));
    await server.seed('jazz', songs.slice(1, 2));
    const dataDir = await server.stop({ keepData: true });
    expect((await readdir(join(dataDir, 'rooms'))).sort()).toEqual(['jazz.json', 'lobby.json']);
  });

  it('sets an unreadable state file aside and starts the room afresh', async () => {
    const first = await RunningServer.start();
    await first.seed('lobby', songs);
    const dataDir = await first.stop({ keepData: true });
    const file = join(dataDir, 'rooms', 'lobby.json');
    await writeFile(file, (await readFile(file, 'utf8')).slice(0, 40)); // damaged by hand

    const second = await RunningServer.start({}, dataDir);
    try {
      expect((await snapshot(second)).playlist).toEqual([]);
      expect((await readdir(join(dataDir, 'rooms'))).some((f) => f.startsWith('lobby.json.unreadable-'))).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
