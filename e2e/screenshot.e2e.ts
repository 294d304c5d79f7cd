import { expect, test } from '@playwright/test';

import { seedSongs, TESTING_URL } from './fixtures/test-server.ts';

/**
 * The README's picture: two people in a room with a song playing, seen by the
 * second. Written to e2e/artifacts/ on every run; `npm run screenshots` refreshes docs/.
 */
test('screenshot of a room with a song playing', async ({ browser }) => {
  const roomId = `shot-${Date.now()}`;
  await seedSongs(roomId);
  const pages = [];
  for (const name of ['Ada', 'Bob']) {
    const page = await (await browser.newContext({ viewport: { width: 1100, height: 720 } })).newPage();
    await page.goto(`${TESTING_URL}/r/${roomId}`);
    await page.getByTestId('username-input').fill(name);
    await page.getByTestId('join-button').click();
    pages.push(page);
  }
  const bob = pages[1]!;
  await bob.getByTestId('playlist-item').first().click();
  await expect(bob.getByTestId('people-count')).toHaveText('2 people');
  await expect(bob.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'playing');
  await expect(bob.getByTestId('sync-error')).toBeVisible();
  await bob.waitForTimeout(3000); // a few seconds in, with a measured error
  const dir = process.env['UPDATE_SCREENSHOTS'] ? 'docs' : 'e2e/artifacts';
  await bob.screenshot({ path: `${dir}/screenshot.png` });
  for (const page of pages) await page.context().close();
});
