import { randomUUID } from 'node:crypto';

import { expect, test, type Page } from '@playwright/test';

import { clickTrackWav } from './fixtures/click-track.ts';
import { heard, SKEW_LIMIT_MS, skews, tappedListener as listener } from './fixtures/tapped-listener.ts';
import { FIXTURE_SONGS, seedSongs } from './fixtures/test-server.ts';

const SIX = FIXTURE_SONGS[2];
/** The song everyone is meant to have: an 8 s click track. */
const OWN = { name: 'Own Click.wav', mimeType: 'audio/wav', buffer: clickTrackWav({ duration: 8 }) };
/** Another version: same length and size, clicks 50 ms later, so only the fingerprint tells them apart. */
const OTHER = { name: 'Own Click (remaster).wav', mimeType: 'audio/wav', buffer: clickTrackWav({ duration: 8, offset: 0.3 }) };

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
