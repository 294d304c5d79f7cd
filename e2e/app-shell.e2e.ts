import { randomUUID } from 'node:crypto';

import { expect, test } from '@playwright/test';

import { joinAs } from './fixtures/lively-room.ts';
import { FIXTURE_SONGS, seedSongs, TESTING_URL } from './fixtures/test-server.ts';

/* What surrounds the panels (issue #8): the theme toggle, the connection banner, the tab title, the installable app. */

const [THIRTY] = FIXTURE_SONGS;

test('the theme toggle switches light and dark and the browser remembers it', async ({ browser }) => {
  const page = await joinAs(browser, `theme-${randomUUID().slice(0, 8)}`, 'Ada', { colorScheme: 'light' });
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const light = await background();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('aria-pressed', 'false');
  await page.getByTestId('theme-toggle').click();
  await expect(page.getByTestId('theme-toggle')).toHaveAttribute('aria-pressed', 'true');
  expect(await background()).not.toBe(light);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await background()).not.toBe(light);
  await page.context().close();
});

test('a banner while the connection is gone, gone again when it is back', async ({ browser }) => {
  const page = await joinAs(browser, `banner-${randomUUID().slice(0, 8)}`, 'Ada');
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await page.context().setOffline(true);
  await expect(page.getByTestId('connection-banner')).toBeVisible();
  await page.context().setOffline(false);
  await expect(page.getByTestId('connection-banner')).toHaveCount(0, { timeout: 15_000 });
  await expect(page.getByTestId('connection-status')).toHaveText('connected');
  await page.context().close();
});

test('the tab title names the song; the manifest and its icons are served', async ({ browser, request }) => {
  const roomId = `shell-${randomUUID().slice(0, 8)}`;
  await seedSongs(roomId);
  const page = await joinAs(browser, roomId, 'Ada');
  await expect(page).toHaveTitle('Musync');
  await page.getByTestId('playlist-item').first().click();
  await expect(page).toHaveTitle(`▶ ${THIRTY.title} – ${THIRTY.artist} · Musync`);

  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = (await (await request.get(`${TESTING_URL}/${href}`)).json()) as { name: string; icons: { src: string }[] };
  expect(manifest.name).toBe('Musync');
  for (const icon of manifest.icons) expect((await request.get(`${TESTING_URL}/${icon.src}`)).status()).toBe(200);
  const favicon = await page.locator('link[rel="icon"]').getAttribute('href');
  expect((await request.get(`${TESTING_URL}/${favicon}`)).status()).toBe(200);
  await page.context().close();
});
