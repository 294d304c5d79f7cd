import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test, type Browser, type Page } from '@playwright/test';

import { sha256, TINY_PNG, wav } from '../backend/test/wav-fixtures.ts';
import { DelayProxy } from './bench/delay-proxy.ts';
import { audioStarts, recordAudioStarts } from './fixtures/audio-probe.ts';
import { startMusync, type ServerProcess } from './fixtures/server-process.ts';

/** Files written for this run; removed at the end. */
const filesDir = mkdtempSync(join(tmpdir(), 'musync-upload-files-'));

function file(name: string, bytes: Buffer): string {
  const path = join(filesDir, name);
  writeFileSync(path, bytes);
  return path;
}

test.afterAll(async () => {
  await rm(filesDir, { recursive: true, force: true });
});

async function personAt(browser: Browser, url: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await recordAudioStarts(page);
  await page.goto(url);
  await page.getByTestId('username-input').fill(name);
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('person').filter({ hasText: name })).toBeVisible();
  return page;
}

const uploadItem = (page: Page, name: string) => page.getByTestId('upload-item').and(page.locator(`[data-name="${name}"]`));
const playlistItem = (page: Page, text: string) => page.getByTestId('playlist-item').filter({ hasText: text });

test('the admin uploads three files at once; another page sees them with their tags and plays one; a non-audio file is refused by name', async ({
  browser,
}) => {
  const room = `/r/up-${randomUUID().slice(0, 8)}`;
  const ada = await personAt(browser, room, 'Ada');
  const bob = await personAt(browser, room, 'Bob');
  await expect(ada.getByTestId('upload-panel')).toBeVisible();
  // Only the admin gets the control (the server refuses others' upload events: backend specs).
  await expect(bob.getByTestId('upload-panel')).toHaveCount(0);
  await expect(bob.getByTestId('upload-input')).toHaveCount(0);

  const files = [
    file('blue.wav', wav(4, { title: 'Blue in Green', artist: 'Miles Davis', album: 'Kind of Blue', cover: TINY_PNG })),
    file('So What.wav', wav(3)),
    file('naima.wav', wav(5, { title: 'Naima', artist: 'John Coltrane' })),
  ];
  await ada.getByTestId('upload-input').setInputFiles(files);
  for (const name of ['blue.wav', 'So What.wav', 'naima.wav']) {
    await expect(uploadItem(ada, name)).toHaveAttribute('data-status', 'done');
  }
  await expect(ada.getByTestId('upload-overall')).toBeVisible();

  // Bob sees them with what their tags say (the file name when there are none).
  await expect(bob.getByTestId('playlist-item')).toHaveCount(3);
  await expect(playlistItem(bob, 'Blue in Green')).toContainText('Miles Davis');
  await expect(playlistItem(bob, 'So What')).toContainText('Unknown artist');
  await expect(playlistItem(bob, 'Naima')).toContainText('John Coltrane');

  // Bob plays one: both pages play it, and Bob's browser really schedules its audio.
  await playlistItem(bob, 'Naima').click();
  for (const page of [ada, bob]) {
    await expect(page.getByTestId('player-title')).toHaveText('Naima');
    await expect(page.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'playing');
  }
  await expect.poll(async () => (await audioStarts(bob)).length).toBeGreaterThan(0);
  await expect(bob.getByTestId('player-duration')).toHaveText('0:05');

  // A text file named like a song is refused, with its name and the reason; nothing is added.
  await ada.getByTestId('upload-input').setInputFiles([file('notes.mp3', Buffer.from('not audio at all\n'.repeat(200)))]);
  await expect(uploadItem(ada, 'notes.mp3')).toHaveAttribute('data-status', 'failed');
  await expect(uploadItem(ada, 'notes.mp3').getByTestId('upload-error')).toContainText('notes.mp3');
  await expect(uploadItem(ada, 'notes.mp3').getByTestId('upload-error')).toContainText('not an audio file');
  await expect(bob.getByTestId('playlist-item')).toHaveCount(3);

  // The admin removes a song after confirming; everyone sees it go.
  await ada.getByRole('button', { name: 'Remove So What', exact: true }).click();
  await ada.getByTestId('playlist-remove-confirm').click();
  await expect(bob.getByTestId('playlist-item')).toHaveCount(2);
  await expect(playlistItem(bob, 'So What')).toHaveCount(0);

  await ada.context().close();
  await bob.context().close();
});

test.describe('an upload cut off by a server restart', () => {
  let server: ServerProcess | null = null;
  let proxy: DelayProxy | null = null;
  let dataDir = '';

  test.afterEach(async () => {
    await proxy?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('resumes when the browser reconnects and completes with identical bytes', async ({ browser }) => {
    test.setTimeout(90_000);
    dataDir = mkdtempSync(join(tmpdir(), 'musync-restart-'));
    server = await startMusync(dataDir);
    // 20 ms each way: the 12 MB file takes a few seconds, long enough to stop the server mid-way.
    proxy = await DelayProxy.start(server.port, { up: { baseMs: 20, jitterMs: 0 }, down: { baseMs: 20, jitterMs: 0 } });
    const bytes = wav(750, { title: 'Long Take' }); // 12 MB
    const path = file('long-take.wav', bytes);

    const ada = await personAt(browser, `${proxy.url}/r/resume`, 'Ada');
    await ada.getByTestId('upload-input').setInputFiles([path]);
    const progress = uploadItem(ada, 'long-take.wav').getByTestId('upload-progress');
    await expect.poll(async () => Number(await progress.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(20);

    // The server goes away mid-upload (killed, not shut down) and comes back on the same port and disk.
    await server.kill();
    await expect(ada.getByTestId('connection-status')).not.toContainText('connected', { timeout: 10_000 });
    const before = Number(await progress.getAttribute('aria-valuenow'));
    expect(before).toBeLessThan(100);
    server = await startMusync(dataDir, { port: server.port });

    await expect(uploadItem(ada, 'long-take.wav')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    const song = ada.getByTestId('playlist-item').filter({ hasText: 'Long Take' });
    await expect(song).toHaveCount(1);
    // Media ids are the SHA-256 of the stored bytes: the server holds exactly the file.
    await expect(song).toHaveAttribute('data-song-id', sha256(bytes));
    await ada.context().close();
  });
});
