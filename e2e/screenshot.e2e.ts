import { expect, test } from '@playwright/test';

/**
 * The README's picture: two people in the lobby, seen by the second.
 * Written to e2e/artifacts/ on every run; `npm run screenshots` refreshes docs/.
 */
test('screenshot of a room with two people', async ({ browser }) => {
  const pages = [];
  for (const name of ['Ada', 'Bob']) {
    const page = await (await browser.newContext({ viewport: { width: 900, height: 560 } })).newPage();
    await page.goto('/');
    await page.getByTestId('username-input').fill(name);
    await page.getByTestId('join-button').click();
    pages.push(page);
  }
  const bob = pages[1]!;
  await expect(bob.getByTestId('people-count')).toHaveText('2 people');
  await expect(bob.getByTestId('clock-rtt')).toBeVisible();
  const dir = process.env['UPDATE_SCREENSHOTS'] ? 'docs' : 'e2e/artifacts';
  await bob.screenshot({ path: `${dir}/screenshot.png` });
  for (const page of pages) await page.context().close();
});
