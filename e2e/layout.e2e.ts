import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect, test, type Page } from '@playwright/test';

import { layoutProblems, livelyRoom } from './fixtures/lively-room.ts';

/*
 * The room at every width people use (issue #8): no control leaves the screen or
 * sits on another, for the admin and for a listener, in both themes; on phones,
 * under every tab. Screenshots of the admin's screen at 375, 768 and 1440 px,
 * light and dark, go to e2e/artifacts/screens/ on every run (kept by `npm test`)
 * and to docs/screens/ with `npm run screenshots`.
 */

const WIDTHS = [320, 375, 768, 1024, 1440] as const;
const SHOT_WIDTHS: readonly number[] = [375, 768, 1440];
const SCHEMES = ['light', 'dark'] as const;
const SHOTS_DIR = fileURLToPath(new URL(process.env['UPDATE_SCREENSHOTS'] ? '../docs/screens/' : './artifacts/screens/', import.meta.url));

async function expectTidy(page: Page, what: string): Promise<void> {
  expect(await layoutProblems(page), what).toEqual([]);
}

test('no control overflows or overlaps another at 320–1440 px, light and dark; screenshots of each', async ({ browser }) => {
  test.setTimeout(120_000);
  mkdirSync(SHOTS_DIR, { recursive: true });
  const { ada, bob } = await livelyRoom(browser, 'layout');
  for (const scheme of SCHEMES) {
    for (const width of WIDTHS) {
      for (const [who, page] of [['admin', ada], ['listener', bob]] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.setViewportSize({ width, height: width < 768 ? 740 : 900 });
        const tabs = page.getByRole('tab');
        if (width < 768) {
          await expect(tabs).toHaveCount(4);
          for (const tab of await tabs.all()) {
            await tab.click();
            await expectTidy(page, `${who}, ${width} px, ${scheme}, tab ${await tab.textContent()}`);
          }
          await page.getByRole('tab', { name: 'Chat' }).click();
        } else {
          await expect(tabs).toHaveCount(0);
          await expectTidy(page, `${who}, ${width} px, ${scheme}`);
        }
        if (who === 'admin' && SHOT_WIDTHS.includes(width)) {
          await page.screenshot({ path: `${SHOTS_DIR}room-${width}-${scheme}.png`, fullPage: true, animations: 'disabled' });
        }
      }
    }
  }

  // The check itself: a button pushed over its neighbour, and one pushed off the screen, are both caught.
  await ada.addStyleTag({ content: '[data-testid="chat-send"] { margin-inline-start: -3rem; } [data-testid="next-button"] { position: relative; left: 100vw; }' });
  const problems = await layoutProblems(ada);
  expect(problems).toContainEqual({ problem: 'overlap', controls: ['input[chat-input]', 'button[chat-send]'] });
  expect(problems).toContainEqual({ problem: 'outside', controls: ['button[next-button]'] });
  for (const page of [ada, bob]) await page.context().close();
});
