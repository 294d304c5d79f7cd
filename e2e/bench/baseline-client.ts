import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import type { ClientToServerEvents, Playback, ServerToClientEvents, Song } from '@musync/protocol';
import type { Page } from 'playwright-core';
import type { ManagerOptions, Socket, SocketOptions } from 'socket.io-client';

/**
 * The baseline: the original product's sync method, as a standalone page on
 * the same server, protocol and proxies as the SPA.
 * - One time ping when the socket connects gives the clock offset.
 * - On each playback change, a setTimeout fires at the scheduled moment (the
 *   server's anchor, so it gets our adaptive lead rather than the original's
 *   fixed 50 ms), sets the HTMLAudioElement's currentTime and calls play().
 * The element plays through an AudioContext (createMediaElementSource →
 * destination) only so that the bench's tap hears it like the SPA's audio.
 */
const BUNDLE_PATH = '/__bench/socket.io.min.js';

interface BaselineConfig {
  readonly roomId: string;
  readonly username: string;
}

type BenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Runs in the page (its source text is inlined), so it uses nothing from this module's scope. */
function baselineClient({ roomId, username }: BaselineConfig): void {
  const io = (window as unknown as { io: (options: Partial<ManagerOptions & SocketOptions>) => BenchSocket }).io;
  const socket = io({ transports: ['websocket'] });
  const audio = new Audio();
  audio.preload = 'auto';
  const context = new AudioContext();
  context.createMediaElementSource(audio).connect(context.destination);

  let offset = 0; // server clock − local clock (ms), from a single ping
  let songs: readonly Song[] = [];
  let loadedSongId: string | null = null;
  let canPlay = false;
  let latest: Playback | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const state = { joined: false, error: null as string | null, offset };
  (window as unknown as Record<string, unknown>)['__baseline'] = state;

  const load = (songId: string): void => {
    const song = songs.find((s) => s.id === songId);
    if (!song) return;
    loadedSongId = songId;
    canPlay = false;
    audio.src = song.url;
    audio.load();
    audio.addEventListener(
      'canplaythrough',
      () => {
        if (loadedSongId !== songId) return;
        canPlay = true;
        socket.emit('playback:ready', { songId }, () => undefined);
        if (latest) follow(latest);
      },
      { once: true },
    );
  };

  const follow = (playback: Playback): void => {
    latest = playback;
    clearTimeout(timer);
    if (playback.songId === null) {
      audio.pause();
      return;
    }
    if (playback.songId !== loadedSongId) load(playback.songId);
    if (playback.status === 'loading') {
      audio.pause();
      return;
    }
    if (!canPlay) return; // followed again once the song can play
    timer = setTimeout(
      () => {
        if (playback.status === 'playing') {
          const late = Math.max(0, Date.now() + offset - playback.anchor);
          audio.currentTime = playback.position + late / 1000;
          void audio.play();
        } else {
          audio.pause();
          audio.currentTime = playback.position;
        }
      },
      Math.max(0, playback.anchor - offset - Date.now()),
    );
  };

  socket.on('playlist:updated', ({ songs: list }) => {
    songs = list;
    if (latest && latest.songId !== loadedSongId) follow(latest);
  });
  socket.on('playback:updated', follow);
  socket.on('connect', () => {
    void (async () => {
      const t0 = Date.now();
      const pong = await socket.emitWithAck('time:ping', { t0 });
      const t3 = Date.now();
      if (pong.ok) offset = (pong.t1 - t0 + (pong.t2 - t3)) / 2;
      state.offset = offset;
      const joined = await socket.emitWithAck('room:join', { roomId, username });
      if (!joined.ok) {
        state.error = joined.error.message;
        return;
      }
      state.joined = true;
      songs = joined.playlist;
      follow(joined.playback);
    })();
  });
}

function baselineHtml(config: BaselineConfig): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Musync sync baseline</title></head>
<body>
<script src="${BUNDLE_PATH}"></script>
<script>(${baselineClient.toString()})(${JSON.stringify(config)});</script>
</body></html>`;
}

/**
 * Opens the baseline in `page` at `origin` (the page's proxy), so its socket and
 * media requests go to that origin and through its proxy. The document comes
 * from a real response of the origin (the health endpoint) and is then replaced
 * with the baseline: Chromium's local-network-access check blocks loopback
 * sockets from a document whose response was fulfilled by Playwright itself.
 */
export async function openBaseline(page: Page, origin: string, config: BaselineConfig): Promise<void> {
  const bundleFile = join(dirname(createRequire(import.meta.url).resolve('socket.io-client/package.json')), 'dist/socket.io.min.js');
  const bundle = readFileSync(bundleFile, 'utf8');
  await page.route(`${origin}${BUNDLE_PATH}`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
  await page.goto(`${origin}/api/health`);
  await page.setContent(baselineHtml(config));
}
