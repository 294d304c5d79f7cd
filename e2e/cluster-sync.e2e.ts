import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect, test } from '@playwright/test';

import { startMusync, startRedis, type ServerProcess } from './fixtures/server-process.ts';
import { heard, SKEW_LIMIT_MS, skews, tappedListener } from './fixtures/tapped-listener.ts';
import { FIXTURE_SONGS, seedSongs, writeFixtureMedia } from './fixtures/test-server.ts';

const THIRTY = FIXTURE_SONGS[0];
/**
 * Node B's host clock is this far off (TEST_CLOCK_SKEW_MS): only the cluster clock can bring its
 * listeners in step. Not a multiple of the click spacing (500 ms), or an uncorrected skew would pair each
 * click with a later one and go unseen.
 */
const NODE_B_SKEW_MS = 3200;

// Scaled mode as deployed, without Docker: a redis-server and two testing nodes on one DATA_DIR.
let dir: string;
let started: { stop(): Promise<void> }[] = [];
let nodeA: ServerProcess;
let nodeB: ServerProcess;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'musync-cluster-e2e-'));
  writeFixtureMedia(join(dir, 'media'));
  mkdirSync(join(dir, 'redis'));
  const redis = await startRedis(join(dir, 'redis'));
  started.push(redis);
  const env = { REDIS_URL: redis.url, TEST_MEDIA_DIR: join(dir, 'media') };
  nodeA = await startMusync(join(dir, 'data'), { entry: 'testing', env });
  started.push(nodeA);
  nodeB = await startMusync(join(dir, 'data'), { entry: 'testing', env: { ...env, TEST_CLOCK_SKEW_MS: String(NODE_B_SKEW_MS) } });
  started.push(nodeB);
});

test.afterAll(async () => {
  for (const server of started.reverse()) await server.stop();
  started = [];
  rmSync(dir, { recursive: true, force: true });
});

test('two pages on two nodes, one node’s clock 3.2 s off, hear every click together', async ({ browser }) => {
  const roomId = `cluster-${randomUUID().slice(0, 8)}`;
  await seedSongs(roomId, [THIRTY], nodeA.url);
  const ada = await tappedListener(browser, roomId, 'Ada', nodeA.url);
  const bob = await tappedListener(browser, roomId, 'Bob', nodeB.url);
  for (const { page } of [ada, bob]) {
    await expect(page.getByTestId('person')).toHaveCount(2); // each sees the member of the other node
  }

  // Bob, on node B, starts the song; Ada, on node A, hears it at the same instant.
  await heard([ada, bob]); // forget the joins
  await bob.page.getByTestId('playlist-item').filter({ hasText: THIRTY.title }).click();
  for (const { page } of [ada, bob]) await expect(page.getByTestId('player-title')).toHaveText(THIRTY.title);
  await ada.page.waitForTimeout(5000);
  const clicks = await heard([ada, bob]);
  const together = skews(clicks, ['Ada', 'Bob']);
  // ~8 clicks in 5 s minus the scheduling lead; a page 3.2 s off would pair each click with one 200 ms away.
  expect(together.length).toBeGreaterThanOrEqual(5);
  expect(Math.max(...together)).toBeLessThan(SKEW_LIMIT_MS);

  for (const { page } of [ada, bob]) await page.context().close();
});
