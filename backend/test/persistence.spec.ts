import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { localSongId, type JoinResult, type Playback, type RoomSettings, type Song, type SongRequest } from '@musync/protocol';

import { enter, request, RunningServer, song } from './harness.js';

const songs = ['one', 'two', 'three'].map((id) => song(id));

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
    await request(admin, 'room:configure', { control: 'admin', addSongs: 'everyone', waitForCopies: true });
    const own = await request(admin, 'playlist:add-local', {
      fingerprint: 'e'.repeat(64),
      size: 1000,
      duration: 2,
      title: 'Own copy',
      artist: null,
      album: null,
    });
    await request(admin, 'playback:select', { songId: 'two' });
    const dataDir = await first.stop({ keepData: true });

    const second = await RunningServer.start({}, dataDir);
    try {
      const after = await snapshot(second);
      expect(after.playlist.map((s) => s.id)).toEqual(['one', 'two', 'three', localSongId('e'.repeat(64))]);
      expect(after.playlist[0]).toEqual(songs[0]);
      expect(after.playlist[3]).toEqual(own.ok ? own['song'] : 'not added');
      expect(after.settings).toEqual({ control: 'admin', skipThreshold: 'majority', addSongs: 'everyone', waitForCopies: true, hasPasscode: false });
      expect(after.playback).toMatchObject({ songId: 'two', status: 'paused' });
    } finally {
      await second.stop();
    }
  });

  it('keeps the chat, the requests and the vote-to-skip threshold', async () => {
    const first = await RunningServer.start();
    const ada = await enter(first, 'Ada', { clientToken: 'ada-browser-token-01' });
    const bob = await enter(first, 'Bob', { clientToken: 'bob-browser-token-01' });
    await request(ada.client, 'chat:send', { text: 'remember <b>this</b>' });
    const asked = await request(bob.client, 'requests:create', { title: 'Blue Monday', note: 'later' });
    const other = await request(bob.client, 'requests:create', { title: 'Ceremony' });
    if (!asked.ok || !other.ok) throw new Error('request refused');
    await request(ada.client, 'requests:approve', { requestId: (asked['request'] as SongRequest).id, note: 'ok' });
    await request(ada.client, 'requests:vote', { requestId: (other['request'] as SongRequest).id });
    await request(ada.client, 'room:configure', { skipThreshold: 3 });
    const before = await enter(first, 'Checker');
    const dataDir = await first.stop({ keepData: true });

    const second = await RunningServer.start({}, dataDir);
    try {
      const after = await enter(second, 'Later');
      expect(after.joined.settings).toEqual({ control: 'everyone', skipThreshold: 3, addSongs: 'admin', waitForCopies: false, hasPasscode: false });
      expect(after.joined.requests).toEqual(before.joined.requests);
      expect(after.joined.requests.map((r) => [r.title, r.status, r.voterIds])).toEqual([
        ['Ceremony', 'pending', [ada.joined.personId]],
        ['Blue Monday', 'approved', []],
      ]);
      // The history as it was, then what happened since (leavings, this arrival), with fresh ids.
      const kept = after.joined.chat.slice(0, before.joined.chat.length);
      expect(kept).toEqual(before.joined.chat);
      expect(kept.some((l) => l.kind === 'message' && l.text === 'remember <b>this</b>')).toBe(true);
      const ids = after.joined.chat.map((l) => l.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(after.joined.chat.slice(-2).map((l) => l.kind === 'notice' && l.notice)).toEqual([
        { type: 'joined', name: 'Later' },
        { type: 'admin', name: 'Later' },
      ]);
      // A person is known again after the restart: Bob's request is still his to withdraw.
      const bobAgain = await enter(second, 'Bob', { clientToken: 'bob-browser-token-01' });
      const withdrawn = await request(bobAgain.client, 'requests:withdraw', { requestId: (other['request'] as SongRequest).id });
      expect(withdrawn).toMatchObject({ ok: true, request: { status: 'withdrawn' } });
    } finally {
      await second.stop();
    }
  });

  it('keeps a room that only has chat, when it empties and across a restart', async () => {
    const first = await RunningServer.start();
    const ada = await enter(first, 'Ada', { roomId: 'talk' });
    await request(ada.client, 'chat:send', { text: 'anyone here?' });
    ada.client.disconnect();
    // Once Ada's leaving is on disk, the emptied room has left memory; the next arrival brings it back.
    const file = join(process.env['DATA_DIR']!, 'rooms', 'talk.json');
    while (!(await readFile(file, 'utf8').catch(() => '')).includes('"left"')) await new Promise((r) => setTimeout(r, 10));
    const text = (joined: JoinResult): string[] => joined.chat.flatMap((l) => (l.kind === 'message' ? [l.text] : []));
    const back = await enter(first, 'Bob', { roomId: 'talk' });
    expect(text(back.joined)).toEqual(['anyone here?']);
    expect(back.joined.chat.map((l) => (l.kind === 'notice' ? l.notice.type : l.kind))).toEqual([
      'joined',
      'admin',
      'message',
      'left',
      'joined',
      'admin',
    ]);
    const dataDir = await first.stop({ keepData: true });

    const second = await RunningServer.start({}, dataDir);
    try {
      const later = await enter(second, 'Cy', { roomId: 'talk' });
      expect(text(later.joined)).toEqual(['anyone here?']);
      expect(later.joined.playlist).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  it('reads a room saved before chat and requests existed (format 1) with their defaults', async () => {
    const first = await RunningServer.start();
    const dataDir = await first.stop({ keepData: true });
    await mkdir(join(dataDir, 'rooms'), { recursive: true });
    const v1 = { format: 1, playlist: songs, settings: { control: 'admin' }, playback: { songId: 'two', position: 12 } };
    await writeFile(join(dataDir, 'rooms', 'lobby.json'), JSON.stringify(v1));

    const second = await RunningServer.start({}, dataDir);
    try {
      const { joined } = await enter(second, 'Ada');
      expect(joined.playlist).toEqual(songs);
      expect(joined.settings).toEqual({ control: 'admin', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false });
      expect(joined.playback).toMatchObject({ songId: 'two', position: 12, status: 'paused' });
      expect(joined.requests).toEqual([]);
      expect(joined.chat.map((l) => (l.kind === 'notice' ? l.notice.type : l.kind))).toEqual(['joined', 'admin']);
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
