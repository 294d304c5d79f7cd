import { randomUUID } from 'node:crypto';

import { expect, test, type Page } from '@playwright/test';

import { wav } from '../backend/test/wav-fixtures.ts';

/*
 * The Content-Security-Policy holds in Chromium: an admin and a guest use every
 * panel (join, upload, playlist, player, settings, chat, requests, people) on the
 * production server, and the browser reports no violation, neither as a
 * `securitypolicyviolation` event nor in the console.
 */

/** An audio file as the file picker hands it over. */
function audioFile(name: string, seconds: number, title: string) {
  return { name, mimeType: 'audio/wav', buffer: wav(seconds, { title }) };
}

interface Watched {
  readonly page: Page;
  readonly console: string[];
}

/** A page in its own context, recording every CSP complaint from its first script on. */
async function watchedPage(page: Page): Promise<Watched> {
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  page.on('pageerror', (error) => messages.push(error.message));
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`);
    });
  });
  return { page, console: messages };
}

async function violations({ page, console }: Watched): Promise<string[]> {
  const events = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
  return [...events, ...console.filter((text) => /Content Security Policy|Refused to/i.test(text))];
}

async function enterRoom(page: Page, room: string, name: string): Promise<void> {
  const response = await page.goto(room);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.getByTestId('username-input').fill(name);
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('person').filter({ hasText: name })).toBeVisible();
}

test('no CSP violation while an admin and a guest use every panel', async ({ browser }) => {
  const room = `/r/csp-${randomUUID().slice(0, 8)}`;
  const admin = await watchedPage(await (await browser.newContext()).newPage());
  const guest = await watchedPage(await (await browser.newContext()).newPage());
  await enterRoom(admin.page, room, 'Ada');
  await enterRoom(guest.page, room, 'Bob');
  const ada = admin.page;
  const bob = guest.page;

  // Upload (two songs) and the playlist.
  await ada.getByTestId('upload-input').setInputFiles([audioFile('one.wav', 6, 'First'), audioFile('two.wav', 6, 'Second')]);
  for (const page of [ada, bob]) {
    await expect(page.getByTestId('playlist-item').filter({ hasText: 'First' })).toBeVisible();
    await expect(page.getByTestId('playlist-item').filter({ hasText: 'Second' })).toBeVisible();
  }
  for (const page of [ada, bob]) {
    const unlock = page.getByTestId('audio-unlock-prompt');
    if (await unlock.isVisible()) await unlock.click();
  }

  // The player: play, seek, skip forward, next, previous, pause, vote to skip, output delay.
  await ada.getByTestId('play-pause-button').click();
  await expect(bob.getByTestId('player-title')).toHaveText(/First|Second/);
  await ada.getByTestId('progress-bar').fill('2');
  await bob.getByTestId('next-button').click();
  await bob.getByTestId('previous-button').click();
  await bob.getByTestId('vote-skip-button').click();
  await bob.getByTestId('output-delay-input').fill('20');
  await ada.getByTestId('play-pause-button').click();

  // Room settings (admin).
  await ada.getByTestId('control-mode-select').selectOption('admin');
  await ada.getByTestId('control-mode-select').selectOption('everyone');

  // Chat.
  await bob.getByTestId('chat-input').fill('hello <b>there</b>');
  await bob.getByTestId('chat-input').press('Enter');
  await expect(ada.getByTestId('chat-text').filter({ hasText: 'hello <b>there</b>' })).toBeVisible();

  // Requests: ask, +1, approve.
  await bob.getByTestId('request-title').fill('Blue Monday');
  await bob.getByTestId('request-send').click();
  const asked = ada.getByTestId('request-item').filter({ hasText: 'Blue Monday' });
  await expect(asked).toBeVisible();
  await asked.getByTestId('request-vote').click();
  await asked.getByTestId('request-approve').click();
  await ada.getByTestId('request-answer').fill('soon');
  await ada.getByTestId('request-answer-confirm').click();
  await expect(bob.getByTestId('request-item').filter({ hasText: 'Blue Monday' })).toHaveAttribute('data-status', 'approved');

  // Playlist removal with its confirmation.
  await bob.getByTestId('playlist-item').filter({ hasText: 'First' }).click();
  await ada.getByRole('button', { name: 'Remove Second', exact: true }).click();
  await ada.getByTestId('playlist-remove-confirm').click();
  await expect(bob.getByTestId('playlist-item').filter({ hasText: 'Second' })).toHaveCount(0);

  // People panel and status are on screen for both.
  await expect(bob.getByTestId('people-count')).toBeVisible();
  await expect(ada.getByTestId('connection-status')).toBeVisible();

  expect(await violations(admin)).toEqual([]);
  expect(await violations(guest)).toEqual([]);
  await ada.context().close();
  await bob.context().close();
});
