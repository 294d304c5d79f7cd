import { expect, test } from '@playwright/test';

import { expectAccessible } from './fixtures/accessible.ts';
import { joinAs, livelyRoom } from './fixtures/lively-room.ts';
import { TESTING_URL } from './fixtures/test-server.ts';

/*
 * axe-core on every screen and dialog (issue #8), in both themes: no serious or
 * critical violation of WCAG 2.1 A/AA (contrast included).
 */

for (const scheme of ['light', 'dark'] as const) {
  test(`the join screen and a broken room link, ${scheme}`, async ({ browser }) => {
    const page = await (await browser.newContext({ colorScheme: scheme })).newPage();
    await page.goto(`${TESTING_URL}/r/a11y-join`);
    await expect(page.getByTestId('username-input')).toBeVisible();
    await expectAccessible(page, 'join screen');
    await page.goto(`${TESTING_URL}/r/not.a.room`);
    await expect(page.getByRole('alert')).toBeVisible();
    await expectAccessible(page, 'broken room link');
    await page.context().close();
  });

  test(`the room, its dialogs and the phone tabs, ${scheme}`, async ({ browser }) => {
    test.setTimeout(90_000);
    const { ada, bob } = await livelyRoom(browser, `a11y-${scheme}`);
    for (const page of [ada, bob]) await page.emulateMedia({ colorScheme: scheme });
    await expectAccessible(ada, 'room, admin');
    await expectAccessible(bob, 'room, listener');

    // The admin's dialogs: removing a song, answering a request.
    await ada.getByTestId('playlist-remove').last().click();
    await expect(ada.getByTestId('playlist-remove-confirm')).toBeVisible();
    await expectAccessible(ada, 'remove-song question');
    await ada.keyboard.press('Escape');
    await expect(ada.getByTestId('playlist-remove-confirm')).toHaveCount(0);
    await ada.getByTestId('request-approve').click();
    await expect(ada.getByTestId('request-answer')).toBeVisible();
    await expectAccessible(ada, 'approve-request form');
    await ada.keyboard.press('Escape');
    await expect(ada.getByTestId('request-answer')).toHaveCount(0);

    // A phone: every tab.
    await bob.setViewportSize({ width: 375, height: 740 });
    for (const tab of await bob.getByRole('tab').all()) {
      await tab.click();
      await expectAccessible(bob, `phone, tab ${await tab.textContent()}`);
    }
    for (const page of [ada, bob]) await page.context().close();
  });
}

test('an empty room, for its admin and for a listener', async ({ browser }) => {
  const roomId = `a11y-empty-${Date.now()}`;
  const ada = await joinAs(browser, roomId, 'Ada');
  const bob = await joinAs(browser, roomId, 'Bob');
  await expect(ada.getByTestId('playlist-empty')).toContainText('Add songs');
  await expect(bob.getByTestId('playlist-empty')).toContainText('Requests');
  await expectAccessible(ada, 'empty room, admin');
  await expectAccessible(bob, 'empty room, listener');
  for (const page of [ada, bob]) await page.context().close();
});
