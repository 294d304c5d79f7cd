import { randomUUID } from 'node:crypto';

import { expect, test, type Browser, type Page } from '@playwright/test';

import { groupClicks, PageRecording } from './bench/click-skew.ts';
import { installProbe, PROBE_CONTEXT, PROBE_KEY, type ProbeApi } from './bench/page-probe.ts';
import { clickTrackWav } from './fixtures/click-track.ts';
import { FIXTURE_SONGS, seedSongs, TESTING_URL } from './fixtures/test-server.ts';

const SIX = FIXTURE_SONGS[2];
/** The song everyone is meant to have: an 8 s click track. */
const OWN = { name: 'Own Click.wav', mimeType: 'audio/wav', buffer: clickTrackWav({ duration: 8 }) };
/** Another version: same length and size, clicks 50 ms later, so only the fingerprint tells them apart. */
const OTHER = { name: 'Own Click (remaster).wav', mimeType: 'audio/wav', buffer: clickTrackWav({ duration: 8, offset: 0.3 }) };

/** The same click heard on two pages lies within this (ms); the sync bench measures well under it on this machine. */
const SKEW_LIMIT_MS = 15;

interface Listener {
  readonly page: Page;
  readonly name: string;
}

/** A page with the sync bench's tap before its speakers, joined to `roomId` as `name`. */
async function listener(browser: Browser, roomId: string, name: string): Promise<Listener> {
  const context = await browser.newContext(PROBE_CONTEXT);
  await context.addInitScript(installProbe, { clockErrorMs: 0, key: PROBE_KEY });
  const page = await context.newPage();
  await page.goto(`${TESTING_URL}/r/${roomId}`);
  await page.getByTestId('username-input').fill(name);
  await page.getByTestId('join-button').click(); // the click also unlocks audio
  await expect(page.getByTestId('person').filter({ hasText: name })).toBeVisible();
  return { page, name };
}

/** What each page's tap heard since the last call, as true epoch times of clicks. */
async function heard(listeners: readonly Listener[]): Promise<Map<string, number[]>> {
  const result = new Map<string, number[]>();
  for (const { page, name } of listeners) {
    const drain = await page.evaluate((key) => (window as unknown as Record<string, ProbeApi | undefined>)[key]?.drain() ?? null, PROBE_KEY);
    const recording = new PageRecording(name);
    if (drain) recording.add(drain);
    result.set(name, recording.clicks().times);
  }
  return result;
}

/** For every click all `names` heard, how far apart they heard it (ms). */
function skews(clicks: Map<string, number[]>, names: readonly string[]): number[] {
  const all = names.flatMap((page) => (clicks.get(page) ?? []).map((at) => ({ page, at })));
  return groupClicks(all)
    .filter((group) => names.every((name) => group.times.has(name)))
    .map((group) => {
      const times = [...group.times.values()];
      return Math.max(...times) - Math.min(...times);
    });
}

const title = (page: Page) => page.getByTestId('player-title');
const copyMark = (page: Page, name: string) => page.getByTestId('person').filter({ hasText: name }).getByTestId('copy-ready');

test('own copies: two pages with the same file play it in sync, a different file is refused, and its holder moves on in sync', async ({
  browser,
}) => {
  test.setTimeout(60_000);
  const roomId = `byo-${randomUUID().slice(0, 8)}`;
  const ada = await listener(browser, roomId, 'Ada'); // the first in the room: admin
  const bob = await listener(browser, roomId, 'Bob');
  const cy = await listener(browser, roomId, 'Cy');
  const pages = [ada.page, bob.page, cy.page];

  // Ada adds the song from her device; no upload. An uploaded song follows it.
  await ada.page.getByTestId('add-local-input').setInputFiles(OWN);
  await expect(ada.page.getByTestId('own-copy-message')).toContainText('is in the playlist');
  await seedSongs(roomId, [SIX]);
  for (const page of pages) {
    await expect(page.getByTestId('playlist-item').filter({ hasText: 'Own Click' }).getByTestId('own-copy-badge')).toBeVisible();
    await expect(page.getByTestId('playlist-item').filter({ hasText: SIX.title })).toBeVisible();
  }

  // Bob picks the same file: accepted. Cy picks another version: refused.
  await bob.page.getByTestId('attach-input').setInputFiles({ ...OWN, name: 'my copy.wav' });
  await expect(bob.page.getByTestId('copy-held')).toBeVisible();
  await cy.page.getByTestId('attach-input').setInputFiles(OTHER);
  await expect(cy.page.getByTestId('copy-message')).toContainText('different file or another version');
  await expect(cy.page.getByTestId('copy-held')).toHaveCount(0);

  // Everyone sees who has it ready.
  for (const page of pages) {
    await expect(copyMark(page, 'Ada')).toHaveAttribute('data-ready', 'true');
    await expect(copyMark(page, 'Bob')).toHaveAttribute('data-ready', 'true');
    await expect(copyMark(page, 'Cy')).toHaveAttribute('data-ready', 'false');
  }

  // Play it: Ada and Bob hear it in step; Cy is told, and hears nothing.
  await heard([ada, bob, cy]); // forget the joins
  await ada.page.getByTestId('playlist-item').filter({ hasText: 'Own Click' }).click();
  for (const page of pages) await expect(title(page)).toHaveText('Own Click');
  await expect(cy.page.getByText('You don’t have this song')).toBeVisible();
  await ada.page.waitForTimeout(4000);
  const ownSong = await heard([ada, bob, cy]);
  const together = skews(ownSong, ['Ada', 'Bob']);
  expect(together.length).toBeGreaterThanOrEqual(4);
  expect(Math.max(...together)).toBeLessThan(SKEW_LIMIT_MS);
  expect(ownSong.get('Cy')).toEqual([]);

  // The song ends; everyone, Cy too, is on the uploaded song at the same moment.
  for (const page of pages) await expect(title(page)).toHaveText(SIX.title, { timeout: 15_000 });
  await expect(cy.page.getByText('You don’t have this song')).toHaveCount(0);
  await heard([ada, bob, cy]); // forget the change-over
  await ada.page.waitForTimeout(3000);
  const next = await heard([ada, bob, cy]);
  const allThree = skews(next, ['Ada', 'Bob', 'Cy']);
  expect(allThree.length).toBeGreaterThanOrEqual(3);
  expect(Math.max(...allThree)).toBeLessThan(SKEW_LIMIT_MS);

  for (const page of pages) await page.context().close();
});

test('a picked copy is remembered for the session: after a reload it is attached again without picking', async ({ browser }) => {
  const roomId = `byo-${randomUUID().slice(0, 8)}`;
  const ada = await listener(browser, roomId, 'Ada');
  const bob = await listener(browser, roomId, 'Bob');
  await ada.page.getByTestId('add-local-input').setInputFiles(OWN);
  await bob.page.getByTestId('attach-input').setInputFiles(OWN);
  await expect(bob.page.getByTestId('copy-held')).toBeVisible();

  await bob.page.reload();
  await bob.page.getByTestId('join-button').click(); // the name is prefilled
  await expect(bob.page.getByTestId('copy-held')).toBeVisible();
  await expect(bob.page.getByTestId('attach-input')).toHaveCount(0);
  // The server counts Bob's new membership as holding it: he reported it on joining again.
  await expect(copyMark(ada.page, 'Bob')).toHaveAttribute('data-ready', 'true');

  for (const { page } of [ada, bob]) await page.context().close();
});
