import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { noticeText, type ClientToServerEvents, type ServerToClientEvents } from '@musync/protocol';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';

import { wav } from '../backend/test/wav-fixtures.ts';

/*
 * Chat, song requests and vote to skip, on the production server (no seeding:
 * songs come in through the admin's upload panel). Each test has a room of its own.
 */

/** Files written for this run; removed at the end. */
const filesDir = mkdtempSync(join(tmpdir(), 'musync-chat-files-'));

test.afterAll(async () => {
  await rm(filesDir, { recursive: true, force: true });
});

function audioFile(name: string, seconds: number, title: string): string {
  const path = join(filesDir, name);
  writeFileSync(path, wav(seconds, { title }));
  return path;
}

const freshRoom = (): string => `/r/chat-${randomUUID().slice(0, 8)}`;

interface Person {
  readonly page: Page;
  /** Every alert/confirm/prompt the page opened: markup in the chat must never run. */
  readonly dialogs: string[];
}

/** A person in their own browser context (own storage, own socket), joined to `path`. */
async function personAt(browser: Browser, path: string, name: string): Promise<Person> {
  const page = await (await browser.newContext()).newPage();
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(path);
  await page.getByTestId('username-input').fill(name);
  await page.getByTestId('join-button').click();
  await expect(page.getByTestId('person').filter({ hasText: name })).toBeVisible();
  return { page, dialogs };
}

async function everyone(pages: readonly Page[], check: (page: Page) => Promise<void>): Promise<void> {
  for (const page of pages) await check(page);
}

async function closeAll(pages: readonly Page[]): Promise<void> {
  for (const page of pages) await page.context().close();
}

/** Types a line and sends it with Enter, as people do. */
async function say(page: Page, text: string): Promise<void> {
  await page.getByTestId('chat-input').fill(text);
  await page.getByTestId('chat-input').press('Enter');
  await expect(page.getByTestId('chat-input')).toHaveValue('');
}

const messageLine = (page: Page, text: string) =>
  page.locator('[data-testid="chat-line"][data-kind="message"]').filter({ has: page.getByTestId('chat-text').getByText(text, { exact: true }) });
const noticeTexts = (page: Page) => page.locator('[data-testid="chat-line"][data-kind="notice"] [data-testid="chat-text"]');
const requestItem = (page: Page, title: string) => page.getByTestId('request-item').filter({ hasText: title });

async function askFor(page: Page, song: { readonly title: string; readonly artist?: string; readonly note?: string }): Promise<void> {
  await page.getByTestId('request-title').fill(song.title);
  if (song.artist) await page.getByTestId('request-artist').fill(song.artist);
  if (song.note) await page.getByTestId('request-note').fill(song.note);
  await page.getByTestId('request-send').click();
  await expect(page.getByTestId('request-title')).toHaveValue('');
}

/**
 * The admin approves (with a note) or rejects (with a reason) a pending request;
 * every page then shows its new status, the admin's words and the chat notice.
 */
async function decide(admin: Page, pages: readonly Page[], title: string, decision: 'approve' | 'reject', words: string): Promise<void> {
  await requestItem(admin, title).getByTestId(`request-${decision}`).click();
  await admin.getByTestId('request-answer').fill(words);
  await admin.getByTestId('request-answer-confirm').click();
  const notice =
    decision === 'approve'
      ? noticeText({ type: 'request-approved', title, note: words })
      : noticeText({ type: 'request-rejected', title, reason: words });
  await everyone(pages, async (page) => {
    await expect(requestItem(page, title)).toHaveAttribute('data-status', decision === 'approve' ? 'approved' : 'rejected');
    await expect(requestItem(page, title).getByTestId('request-answer-text')).toContainText(words);
    await expect(noticeTexts(page).filter({ hasText: notice })).toHaveCount(1);
  });
}

/** The admin uploads files through the upload panel and waits until every page lists them. */
async function upload(admin: Page, pages: readonly Page[], files: readonly { path: string; title: string }[]): Promise<void> {
  await admin.getByTestId('upload-input').setInputFiles(files.map((f) => f.path));
  for (const file of files) {
    await everyone(pages, (page) => expect(page.getByTestId('playlist-item').filter({ hasText: file.title })).toBeVisible());
  }
}

test('people chat both ways; a late joiner sees the history and the join notices; markup stays text', async ({ browser }) => {
  const room = freshRoom();
  const ada = await personAt(browser, room, 'Ada');
  const bob = await personAt(browser, room, 'Bob');
  const pages = [ada.page, bob.page];

  await say(ada.page, 'Hello Bob');
  await everyone(pages, async (page) => {
    const line = messageLine(page, 'Hello Bob');
    await expect(line.getByTestId('chat-author')).toHaveText('Ada');
    await expect(line.getByTestId('chat-admin-badge')).toBeVisible();
    await expect(line.getByTestId('chat-time')).toHaveText(/\d{1,2}:\d{2}/);
  });

  await bob.page.getByTestId('chat-input').fill('Hi Ada');
  await bob.page.getByTestId('chat-send').click();
  await everyone(pages, async (page) => {
    const line = messageLine(page, 'Hi Ada');
    await expect(line.getByTestId('chat-author')).toHaveText('Bob');
    await expect(line.getByTestId('chat-admin-badge')).toHaveCount(0);
  });

  // An empty line cannot be sent.
  await bob.page.getByTestId('chat-input').fill('   ');
  await expect(bob.page.getByTestId('chat-send')).toBeDisabled();

  const trick = '<img src=x onerror=alert(1)>';
  await say(bob.page, trick);
  await everyone(pages, async (page) => {
    await expect(messageLine(page, trick)).toHaveCount(1);
    await expect(page.getByTestId('chat-panel').locator('img, script')).toHaveCount(0);
  });

  const cy = await personAt(browser, room, 'Cy');
  await expect(cy.page.locator('[data-testid="chat-line"][data-kind="message"] [data-testid="chat-text"]')).toHaveText([
    'Hello Bob',
    'Hi Ada',
    trick,
  ]);
  await expect(noticeTexts(cy.page)).toContainText([
    noticeText({ type: 'joined', name: 'Ada' }),
    noticeText({ type: 'joined', name: 'Bob' }),
  ]);
  await expect(cy.page.getByTestId('chat-panel').locator('img, script')).toHaveCount(0);
  await everyone(pages, (page) => expect(noticeTexts(page).filter({ hasText: 'Cy joined' })).toHaveCount(1));

  await say(cy.page, 'Evening all');
  await everyone(pages, (page) => expect(messageLine(page, 'Evening all').getByTestId('chat-author')).toHaveText('Cy'));

  for (const person of [ada, bob, cy]) expect(person.dialogs).toEqual([]);
  await closeAll([...pages, cy.page]);
});

test('a song request from ask to fulfilled, a rejection, a withdrawal, and a non-admin approve refused by the server', async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(90_000);
  const room = freshRoom();
  const ada = (await personAt(browser, room, 'Ada')).page;
  const bob = (await personAt(browser, room, 'Bob')).page;
  const cy = (await personAt(browser, room, 'Cy')).page;
  const pages = [ada, bob, cy];

  // Bob asks; everyone sees who asked, and only the admin gets approve/reject.
  await askFor(bob, { title: 'So What', artist: 'Miles Davis', note: 'for the road' });
  await everyone(pages, async (page) => {
    const item = requestItem(page, 'So What');
    await expect(item).toHaveAttribute('data-status', 'pending');
    await expect(item.getByTestId('request-requester')).toHaveText('Bob');
    await expect(item).toContainText('Miles Davis');
    await expect(item).toContainText('for the road');
    await expect(item.getByTestId('request-votes')).toHaveText('0 votes');
  });
  await expect(requestItem(bob, 'So What').getByTestId('request-vote')).toBeDisabled(); // your own
  for (const page of [bob, cy]) await expect(page.getByTestId('request-approve')).toHaveCount(0);

  // Cy's +1 counts once.
  await requestItem(cy, 'So What').getByTestId('request-vote').click();
  await everyone(pages, (page) => expect(requestItem(page, 'So What').getByTestId('request-votes')).toHaveText('1 vote'));
  await expect(requestItem(cy, 'So What').getByTestId('request-vote')).toBeDisabled();
  await expect(requestItem(ada, 'So What').getByTestId('request-vote')).toBeEnabled();

  // Ada approves with a note: the list and the chat say so everywhere.
  await decide(ada, pages, 'So What', 'approve', 'tonight');

  // Ada uploads the song and marks the request fulfilled by it.
  await upload(ada, pages, [{ path: audioFile('so-what.wav', 3, 'So What'), title: 'So What' }]);
  await requestItem(ada, 'So What').getByTestId('request-fulfil-select').selectOption({ label: 'So What' });
  await requestItem(ada, 'So What').getByTestId('request-fulfil').click();
  const fulfilled = noticeText({ type: 'request-fulfilled', title: 'So What' });
  await everyone(pages, async (page) => {
    await expect(requestItem(page, 'So What')).toHaveAttribute('data-status', 'fulfilled');
    await expect(requestItem(page, 'So What').getByTestId('request-song')).toContainText('So What');
    await expect(noticeTexts(page).filter({ hasText: fulfilled })).toHaveCount(1);
  });
  // The link shows the song in the playlist; looking does not play it.
  await requestItem(bob, 'So What').getByTestId('request-song').click();
  await expect(bob.locator('li.entry.revealed').getByTestId('playlist-item')).toContainText('So What');
  await expect(bob.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'paused');

  // Cy asks for another; Ada rejects it with a reason.
  await askFor(cy, { title: 'Baby Shark' });
  await decide(ada, pages, 'Baby Shark', 'reject', 'not in this room');

  // Bob asks for a third and takes it back: it leaves every list.
  await askFor(bob, { title: 'Giant Steps' });
  await everyone(pages, (page) => expect(requestItem(page, 'Giant Steps')).toHaveAttribute('data-status', 'pending'));
  await expect(requestItem(cy, 'Giant Steps').getByTestId('request-withdraw')).toHaveCount(0); // not Cy's
  await requestItem(bob, 'Giant Steps').getByTestId('request-withdraw').click();
  await everyone(pages, (page) => expect(requestItem(page, 'Giant Steps')).toHaveCount(0));

  // A client that sends approve without being the admin is refused by the server.
  await askFor(cy, { title: 'Take Five' });
  const pending = requestItem(ada, 'Take Five');
  await expect(pending).toHaveAttribute('data-status', 'pending');
  const requestId = await pending.getAttribute('data-request-id');
  expect(requestId).toBeTruthy();
  const rogue: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseURL, { transports: ['websocket'], reconnection: false });
  try {
    const joined = await rogue.timeout(3000).emitWithAck('room:join', { roomId: room.slice('/r/'.length), username: 'Rogue' });
    expect(joined.ok).toBe(true);
    const refused = await rogue.timeout(3000).emitWithAck('requests:approve', { requestId: requestId! });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_ADMIN' } });
  } finally {
    rogue.disconnect();
  }
  await expect(requestItem(ada, 'Take Five')).toHaveAttribute('data-status', 'pending');

  await closeAll(pages);
});

test('three people, majority two: two votes skip the song for everyone and the chat says so', async ({ browser }) => {
  test.setTimeout(60_000);
  const room = freshRoom();
  const ada = (await personAt(browser, room, 'Ada')).page;
  const bob = (await personAt(browser, room, 'Bob')).page;
  const cy = (await personAt(browser, room, 'Cy')).page;
  const pages = [ada, bob, cy];

  await upload(ada, pages, [
    { path: audioFile('first.wav', 20, 'First Song'), title: 'First Song' },
    { path: audioFile('second.wav', 20, 'Second Song'), title: 'Second Song' },
  ]);
  // Only the admin sets the threshold; the room starts at majority.
  await expect(ada.getByTestId('skip-threshold-select')).toHaveValue('majority');
  for (const page of [bob, cy]) await expect(page.getByTestId('skip-threshold-select')).toHaveCount(0);

  await ada.getByTestId('playlist-item').filter({ hasText: 'First Song' }).click();
  await everyone(pages, async (page) => {
    await expect(page.getByTestId('player-title')).toHaveText('First Song');
    await expect(page.getByTestId('play-pause-button')).toHaveAttribute('data-state', 'playing');
    await expect(page.getByTestId('vote-skip-button')).toHaveText('Skip (0/2)');
  });

  await bob.getByTestId('vote-skip-button').click();
  await everyone(pages, (page) => expect(page.getByTestId('vote-skip-button')).toHaveText('Skip (1/2)'));
  await expect(bob.getByTestId('vote-skip-button')).toBeDisabled();
  await expect(cy.getByTestId('vote-skip-button')).toBeEnabled();

  await cy.getByTestId('vote-skip-button').click();
  const skipped = noticeText({ type: 'skipped', title: 'First Song', votes: 2 });
  await everyone(pages, async (page) => {
    await expect(page.getByTestId('player-title')).toHaveText('Second Song');
    await expect(noticeTexts(page).filter({ hasText: skipped })).toHaveCount(1);
    // A new song, a new vote.
    await expect(page.getByTestId('vote-skip-button')).toHaveText('Skip (0/2)');
    await expect(page.getByTestId('vote-skip-button')).toBeEnabled();
  });

  // The admin turns voting off: the button says so everywhere.
  await ada.getByTestId('skip-threshold-select').selectOption('off');
  await everyone(pages, async (page) => {
    await expect(page.getByTestId('vote-skip-button')).toHaveText('Skip (off)');
    await expect(page.getByTestId('vote-skip-button')).toBeDisabled();
  });
  await closeAll(pages);
});
