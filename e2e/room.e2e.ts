import { expect, test, type Browser, type Page } from '@playwright/test';

/** A person in their own browser context (own storage, own socket), joined to `path`. */
async function personAt(browser: Browser, path: string, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(path);
  await page.getByTestId('username-input').fill(name);
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('person').filter({ hasText: name })).toBeVisible();
  return page;
}

function personRow(page: Page, name: string) {
  return page.getByTestId('person').filter({ hasText: name });
}

test('two people in one room see each other, and the admin leaving promotes the other after the grace period', async ({
  browser,
}) => {
  const ada = await personAt(browser, '/', 'Ada');
  await expect(ada.getByTestId('connection-status')).toContainText('connected');
  await expect(ada.getByTestId('room-id')).toHaveText('lobby');

  const bob = await personAt(browser, '/', 'Bob');
  for (const page of [ada, bob]) {
    await expect(page.getByTestId('people-count')).toHaveText('2 people');
    await expect(personRow(page, 'Ada').getByTestId('admin-badge')).toBeVisible();
    await expect(personRow(page, 'Bob').getByTestId('admin-badge')).toHaveCount(0);
  }
  await expect(personRow(bob, 'Bob').getByTestId('you-marker')).toBeVisible();
  await expect(bob.getByTestId('clock-rtt')).toBeVisible(); // the clock sync ran

  await ada.context().close();
  await expect(bob.getByTestId('people-count')).toHaveText('1 person');
  // The server holds the chair for ADMIN_GRACE_MS (5 s by default) in case Ada reloads.
  await expect(personRow(bob, 'Bob').getByTestId('admin-badge')).toBeVisible({ timeout: 10_000 });
  await bob.context().close();
});

test('a page in another room sees only itself, as that room’s admin', async ({ browser }) => {
  const ada = await personAt(browser, '/', 'Ada');
  const zoe = await personAt(browser, '/r/jazz', 'Zoe');
  await expect(zoe.getByTestId('room-id')).toHaveText('jazz');
  await expect(zoe.getByTestId('people-count')).toHaveText('1 person');
  await expect(personRow(zoe, 'Zoe').getByTestId('admin-badge')).toBeVisible();
  await expect(ada.getByTestId('people-count')).toHaveText('1 person');
  await expect(personRow(ada, 'Zoe')).toHaveCount(0);
  await ada.context().close();
  await zoe.context().close();
});

test('a too-long username is refused with its message and joins nobody', async ({ browser }) => {
  const watcher = await personAt(browser, '/r/quiet', 'Watcher');
  const page = await (await browser.newContext()).newPage();
  await page.goto('/r/quiet');
  await page.getByTestId('username-input').fill('x'.repeat(33));
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('join-error')).toContainText('32');
  await expect(page.getByTestId('people-count')).toHaveCount(0);
  await expect(watcher.getByTestId('people-count')).toHaveText('1 person');
  await page.context().close();
  await watcher.context().close();
});
