import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test, type Browser, type Page } from '@playwright/test';

import { expectAccessible } from './fixtures/accessible.ts';
import { layoutProblems } from './fixtures/lively-room.ts';
import { startMusync, type ServerProcess } from './fixtures/server-process.ts';

/*
 * Issue #7 part 4 in the browser: a server started with ADMIN_PASSWORD (its own
 * process, not the shared servers of playwright.config.ts) makes nobody admin by
 * arriving first; the password claims the chair; the admin's room passcode keeps
 * out whoever does not know it.
 */

const PASSWORD = 'correct horse battery';
let server: ServerProcess;
let dataDir: string;

test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'musync-claim-'));
  server = await startMusync(dataDir, { env: { ADMIN_PASSWORD: PASSWORD } });
});

test.afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function visit(browser: Browser, path: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${server.url}${path}`);
  return page;
}

function personRow(page: Page, name: string) {
  return page.getByTestId('person').filter({ hasText: name });
}

test('the first visitor is not admin until they claim with the password; a passcode room refuses a wrong passcode', async ({
  browser,
}) => {
  // Ada arrives first in an empty room: no admin, no admin controls.
  const ada = await visit(browser, '/r/guarded');
  await ada.getByTestId('username-input').fill('Ada');
  await ada.getByTestId('join-button').click();
  await expect(personRow(ada, 'Ada')).toBeVisible();
  await expect(ada.getByTestId('no-admin')).toBeVisible();
  await expect(ada.getByTestId('admin-badge')).toHaveCount(0);
  await expect(ada.getByTestId('control-mode-select')).toHaveCount(0);

  // A wrong password is refused where she typed it; the right one makes her admin.
  await ada.getByTestId('admin-claim').locator('summary').click();
  await ada.getByTestId('admin-password-input').fill('not the password');
  await ada.getByTestId('claim-admin-button').click();
  await expect(ada.getByTestId('claim-error')).toHaveText('That is not the admin password.');
  await expectAccessible(ada, 'the claim form with its error');
  await expect(ada.getByTestId('admin-badge')).toHaveCount(0);
  await ada.getByTestId('admin-password-input').fill(PASSWORD);
  await ada.getByTestId('claim-admin-button').click();
  await expect(personRow(ada, 'Ada').getByTestId('admin-badge')).toBeVisible();
  await expect(ada.getByTestId('no-admin')).toHaveCount(0);
  await expect(ada.getByTestId('admin-claim')).toHaveCount(0);
  await expect(ada.getByTestId('control-mode-select')).toBeVisible();

  // The admin gives the room a passcode.
  await ada.getByTestId('passcode-setting-input').fill('open sesame');
  await ada.getByTestId('passcode-set-button').click();
  await expect(ada.getByTestId('passcode-state')).toHaveText('Newcomers need it');
  await expect(ada.getByTestId('passcode-setting-input')).toHaveValue('');

  // Bob is asked for it, refused with a wrong one, let in with the right one.
  const bob = await visit(browser, '/r/guarded');
  await bob.getByTestId('username-input').fill('Bob');
  await bob.getByTestId('join-button').click();
  await expect(bob.getByTestId('join-error')).toHaveText('This room needs a passcode.');
  await bob.getByTestId('passcode-input').fill('open sesame?');
  await bob.getByTestId('join-button').click();
  await expect(bob.getByTestId('join-error')).toHaveText('That is not the room’s passcode.');
  await expect(bob.getByTestId('person')).toHaveCount(0);
  await expectAccessible(bob, 'the join form asking for a passcode');
  await bob.getByTestId('passcode-input').fill('open sesame');
  await bob.getByTestId('join-button').click();
  await expect(personRow(bob, 'Bob')).toBeVisible();
  await expect(personRow(bob, 'Ada').getByTestId('admin-badge')).toBeVisible();
  await expect(personRow(ada, 'Bob')).toBeVisible();

  // On the narrowest phone the claim form (Bob's People tab) and the passcode setting
  // (Ada's folded device settings) neither leave the screen nor sit on another control.
  for (const page of [ada, bob]) await page.setViewportSize({ width: 320, height: 740 });
  await bob.getByRole('tab', { name: 'People' }).click();
  await bob.getByTestId('admin-claim').locator('summary').click();
  await expect(bob.getByTestId('admin-password-input')).toBeVisible();
  expect(await layoutProblems(bob), 'claim form at 320 px').toEqual([]);
  await ada.getByTestId('device-settings').locator('summary').click();
  await expect(ada.getByTestId('passcode-setting-input')).toBeVisible();
  expect(await layoutProblems(ada), 'passcode setting at 320 px').toEqual([]);

  for (const page of [ada, bob]) await page.context().close();
});
