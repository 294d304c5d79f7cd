import { randomUUID } from 'node:crypto';

import { expect, test, type Browser, type Page } from '@playwright/test';
import { io } from 'socket.io-client';

import { audioStarts, recordAudioStarts } from './fixtures/audio-probe.ts';
import { FIXTURE_SONGS, seedSongs, TESTING_URL, type FixtureSong } from './fixtures/test-server.ts';

const [THIRTY, TWENTY, SIX] = FIXTURE_SONGS;

/** A fresh room on the testing server, seeded with `songs`. */
async function newRoom(songs: readonly FixtureSong[] = FIXTURE_SONGS): Promise<string> {
  const roomId = `play-${randomUUID().slice(0, 8)}`;
  await seedSongs(roomId, songs);
  return roomId;
}

async function listener(browser: Browser, roomId: string, name: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await recordAudioStarts(page);
  await page.goto(`${TESTING_URL}/r/${roomId}`);
  await page.getByTestId('username-input').fill(name);
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('person').filter({ hasText: name })).toBeVisible();
  return page;
}

async function everyone(pages: readonly Page[], check: (page: Page) => Promise<void>): Promise<void> {
  for (const page of pages) await check(page);
}

const title = (page: Page) => page.getByTestId('player-title');
const state = (page: Page) => page.getByTestId('play-pause-button');

/** The song offset (s) of each page's most recent audio start. */
async function lastOffsets(pages: readonly Page[]): Promise<number[]> {
  return Promise.all(pages.map(async (page) => (await audioStarts(page)).at(-1)?.offset ?? Number.NaN));
}

async function closeAll(pages: readonly Page[]): Promise<void> {
  for (const page of pages) await page.context().close();
}

test('every control acts in every browser: UI and scheduled audio', async ({ browser }) => {
  const roomId = await newRoom();
  const pages = [await listener(browser, roomId, 'Ada'), await listener(browser, roomId, 'Bob'), await listener(browser, roomId, 'Cy')];
  const [ada, bob, cy] = pages as [Page, Page, Page];

  // Bob clicks a song: it plays everywhere.
  await bob.getByTestId('playlist-item').filter({ hasText: THIRTY.title }).click();
  await everyone(pages, async (page) => {
    await expect(title(page)).toHaveText(THIRTY.title);
    await expect(state(page)).toHaveAttribute('data-state', 'playing');
    await expect.poll(async () => (await audioStarts(page)).length).toBeGreaterThan(0);
  });

  // Cy pauses: everyone pauses.
  await cy.getByTestId('play-pause-button').click();
  await everyone(pages, (page) => expect(state(page)).toHaveAttribute('data-state', 'paused'));
  const startsBeforeResume = await Promise.all(pages.map(async (p) => (await audioStarts(p)).length));

  // Ada resumes: everyone schedules audio again, from the same offset.
  await ada.getByTestId('play-pause-button').click();
  await everyone(pages, (page) => expect(state(page)).toHaveAttribute('data-state', 'playing'));
  for (const [i, page] of pages.entries()) {
    await expect.poll(async () => (await audioStarts(page)).length).toBeGreaterThan(startsBeforeResume[i]!);
  }
  const resumed = await lastOffsets(pages);
  expect(Math.max(...resumed) - Math.min(...resumed)).toBeLessThan(0.05);

  // Bob jumps +10 s: every page's audio restarts about 10 s further.
  await bob.getByTestId('forward-10-button').click();
  await expect.poll(async () => Math.min(...(await lastOffsets(pages)))).toBeGreaterThan(resumed[0]! + 9);

  // −10 s goes back again.
  await cy.getByTestId('back-10-button').click();
  await expect.poll(async () => Math.max(...(await lastOffsets(pages)))).toBeLessThan(resumed[0]! + 5);

  // Next and previous move everyone.
  await bob.getByTestId('next-button').click();
  await everyone(pages, (page) => expect(title(page)).toHaveText(TWENTY.title));
  await cy.getByTestId('previous-button').click();
  await everyone(pages, (page) => expect(title(page)).toHaveText(THIRTY.title));

  // The admin seeks with the progress bar; everyone follows.
  await ada.getByTestId('progress-bar').fill('20');
  await expect.poll(async () => Math.min(...(await lastOffsets(pages)))).toBeGreaterThan(19.5);
  await closeAll(pages);
});

test('the server refuses a non-admin’s progress-bar seek', async ({ browser }) => {
  const roomId = await newRoom();
  const pages = [await listener(browser, roomId, 'Ada'), await listener(browser, roomId, 'Bob')];
  const [ada, bob] = pages as [Page, Page];
  await ada.getByTestId('playlist-item').filter({ hasText: THIRTY.title }).click();
  await everyone(pages, async (page) => {
    await expect(state(page)).toHaveAttribute('data-state', 'playing');
    await expect.poll(async () => (await audioStarts(page)).length).toBeGreaterThan(0);
  });

  // The slider is read-only for Bob…
  await expect(bob.getByTestId('progress-bar')).toBeDisabled();
  // …and a client that sends the seek anyway is refused by the server.
  const rogue = io(TESTING_URL, { transports: ['websocket'], reconnection: false });
  try {
    const joined = await rogue.timeout(3000).emitWithAck('room:join', { roomId, username: 'Rogue' });
    expect(joined.ok).toBe(true);
    const refused = await rogue.timeout(3000).emitWithAck('playback:seek', { position: 25 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ADMIN' } });
  } finally {
    rogue.disconnect();
  }
  const offsets = await lastOffsets(pages);
  expect(Math.max(...offsets)).toBeLessThan(5); // nobody jumped to 25 s
  await closeAll(pages);
});

test('a song that ends gives way to the next everywhere, once', async ({ browser }) => {
  const roomId = await newRoom([SIX, TWENTY, THIRTY]);
  const pages = [await listener(browser, roomId, 'Ada'), await listener(browser, roomId, 'Bob'), await listener(browser, roomId, 'Cy')];
  await pages[1]!.getByTestId('playlist-item').filter({ hasText: SIX.title }).click();
  await everyone(pages, (page) => expect(title(page)).toHaveText(SIX.title));
  await everyone(pages, (page) => expect(title(page)).toHaveText(TWENTY.title, { timeout: 12_000 }));
  // Three listeners reported the end; the room moved one song, not three.
  await pages[0]!.waitForTimeout(1000);
  await everyone(pages, (page) => expect(title(page)).toHaveText(TWENTY.title));
  await closeAll(pages);
});

test('a late joiner starts at the right position, in step with the others', async ({ browser }) => {
  const roomId = await newRoom();
  const early = [await listener(browser, roomId, 'Ada'), await listener(browser, roomId, 'Bob')];
  const clickedAt = Date.now();
  await early[0]!.getByTestId('playlist-item').filter({ hasText: THIRTY.title }).click();
  await everyone(early, (page) => expect(state(page)).toHaveAttribute('data-state', 'playing'));
  await early[0]!.waitForTimeout(4000);

  const late = await listener(browser, roomId, 'Cy');
  await expect(title(late)).toHaveText(THIRTY.title);
  await expect.poll(async () => (await audioStarts(late)).length).toBeGreaterThan(0);
  const [start] = await audioStarts(late);
  expect(start!.offset).toBeGreaterThan(3.5); // joined the song in progress, not from the top
  // Not ahead of the song: it has played at most since the click, plus the short scheduling lead.
  // (How long the join took depends on the machine's load; the exact skew is the sync bench's job.)
  expect(start!.offset).toBeLessThan((Date.now() - clickedAt) / 1000 + 1.5);
  await closeAll([...early, late]);
});

test('the admin who reloads keeps the chair; one who leaves hands it on after the grace period', async ({ browser }) => {
  const roomId = await newRoom();
  const ada = await listener(browser, roomId, 'Ada');
  const bob = await listener(browser, roomId, 'Bob');
  const badgeOf = (page: Page, name: string) => page.getByTestId('person').filter({ hasText: name }).getByTestId('admin-badge');

  // Reload: same browser, same token, back within the grace period (1.5 s on the testing server).
  await ada.reload();
  await ada.getByTestId('join-button').click(); // the name is prefilled
  await expect(badgeOf(bob, 'Ada')).toBeVisible();
  await expect(badgeOf(ada, 'Ada')).toBeVisible();
  await bob.waitForTimeout(2000); // past the grace period: still Ada's
  await expect(badgeOf(bob, 'Ada')).toBeVisible();
  await expect(badgeOf(bob, 'Bob')).toHaveCount(0);

  // Gone for good: Bob is promoted once the grace period is over.
  await ada.context().close();
  await expect(badgeOf(bob, 'Bob')).toBeVisible({ timeout: 5000 });
  await bob.context().close();
});
