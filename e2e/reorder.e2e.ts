import { randomUUID } from 'node:crypto';

import { expect, test, type Page } from '@playwright/test';

import { joinAs } from './fixtures/lively-room.ts';
import { seedSongs } from './fixtures/test-server.ts';

/* The admin reorders the playlist by drag and drop and by keyboard; everyone sees the new order. */

const order = (page: Page) => page.getByTestId('playlist-item').locator('.title');

test('the admin drags a song to the top and moves one down with the keyboard; everyone sees it', async ({ browser }) => {
  const roomId = `order-${randomUUID().slice(0, 8)}`;
  await seedSongs(roomId);
  const ada = await joinAs(browser, roomId, 'Ada');
  const bob = await joinAs(browser, roomId, 'Bob');
  await expect(order(bob)).toHaveText(['Click Thirty', 'Click Twenty', 'Click Six']);
  await expect(bob.getByTestId('playlist-move')).toHaveCount(0);

  await ada.getByTestId('playlist-move').nth(2).dragTo(ada.getByTestId('playlist-entry').first());
  for (const page of [ada, bob]) await expect(order(page)).toHaveText(['Click Six', 'Click Thirty', 'Click Twenty']);

  const handle = ada.getByRole('button', { name: /^Move Click Six/ });
  await handle.focus();
  await ada.keyboard.press('ArrowDown');
  for (const page of [ada, bob]) await expect(order(page)).toHaveText(['Click Thirty', 'Click Six', 'Click Twenty']);
  await expect(ada.getByRole('button', { name: 'Move Click Six, place 2 of 3' })).toBeFocused();
  await expect(ada.getByTestId('playlist-moved')).toHaveText('Click Six moved to place 2 of 3');

  for (const page of [ada, bob]) await page.context().close();
});
