import { randomUUID } from 'node:crypto';

import { expect, test, type Page } from '@playwright/test';

import { FIXTURE_SONGS, seedSongs, TESTING_URL } from './fixtures/test-server.ts';

/*
 * The room without a mouse (issue #8): every step is a key press. Tab reaches each
 * control with a visible focus ring; the shortcuts do the rest.
 */

const [THIRTY] = FIXTURE_SONGS;

/** What has focus: its data-testid (or tag), and whether a focus ring is drawn around it. */
async function focused(page: Page): Promise<{ readonly testId: string; readonly ring: boolean }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const style = element ? getComputedStyle(element) : null;
    return {
      testId: element?.dataset['testid'] ?? element?.tagName.toLowerCase() ?? '',
      ring: style !== null && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until the control `testId` has focus, checking the ring on every stop on the way. */
async function tabTo(page: Page, testId: string, { backwards = false } = {}): Promise<void> {
  for (let stop = 0; stop < 60; stop++) {
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    if (now.testId !== 'body') expect(now.ring, `focus ring on ${now.testId}`).toBe(true);
    if (now.testId === testId) return;
  }
  throw new Error(`Tab never reached ${testId}`);
}

/** Tabs to a field, types `text` and presses Enter to send its form. */
async function typeAndSend(page: Page, testId: string, text: string): Promise<void> {
  await tabTo(page, testId);
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

const elapsedSeconds = async (page: Page): Promise<number> => {
  const [minutes, seconds] = ((await page.getByTestId('player-elapsed').textContent()) ?? '').split(':').map(Number);
  return (minutes ?? 0) * 60 + (seconds ?? 0);
};

test('join, play, seek ±10 s, chat and request a song with the keyboard alone', async ({ page }) => {
  const roomId = `keys-${randomUUID().slice(0, 8)}`;
  await seedSongs(roomId);
  await page.goto(`${TESTING_URL}/r/${roomId}`);

  // Join: Tab to the name field, type, Enter.
  await typeAndSend(page, 'username-input', 'Kay');
  await expect(page.getByTestId('person').filter({ hasText: 'Kay' })).toBeVisible();

  // Play: Tab to the first song, Enter.
  await tabTo(page, 'playlist-item');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('player-title')).toHaveText(THIRTY.title);
  await expect(page.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'playing');

  // Seek: → jumps 10 s on, ← 10 s back (focus stays on the song, a button, which arrows do not move).
  // Pressed at once, most likely while the song still loads (the button reads "playing" then
  // too): the skip counts whether it lands before the start or just after it (docs/protocol.md).
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => elapsedSeconds(page)).toBeGreaterThanOrEqual(10);
  const ahead = await elapsedSeconds(page);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => elapsedSeconds(page)).toBeLessThan(ahead - 5);

  // The admin's progress bar is a slider: focused, the arrow keys move it a second at a time.
  await tabTo(page, 'progress-bar', { backwards: true });
  const before = await elapsedSeconds(page);
  for (let press = 0; press < 8; press++) await page.keyboard.press('ArrowRight');
  await expect.poll(() => elapsedSeconds(page)).toBeGreaterThanOrEqual(before + 6);

  // Chat: "/" puts the cursor in the box; Enter sends; Space typed there is text, not pause.
  await page.keyboard.press('/');
  // The focus moves after the next render (the phone's tab may have to open first): poll.
  await expect.poll(async () => (await focused(page)).testId).toBe('chat-input');
  await page.keyboard.type('hello from the keyboard');
  await expect(page.getByTestId('chat-input')).toHaveValue('hello from the keyboard');
  await expect(page.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'playing');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('chat-text').filter({ hasText: 'hello from the keyboard' })).toBeVisible();

  // Space outside a field pauses and plays again (from the chat log, a focusable region).
  await tabTo(page, 'chat-log', { backwards: true });
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'paused');
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'playing');

  // Request a song: Tab to the form, type, Enter.
  await typeAndSend(page, 'request-title', 'Blue in Green');
  await expect(page.getByTestId('request-item').filter({ hasText: 'Blue in Green' })).toBeVisible();

  // N and P change the song.
  await tabTo(page, 'request-withdraw');
  await page.keyboard.press('n');
  await expect(page.getByTestId('player-title')).not.toHaveText(THIRTY.title);
  await page.keyboard.press('p');
  await expect(page.getByTestId('player-title')).toHaveText(THIRTY.title);
});
