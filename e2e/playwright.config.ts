import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { defineConfig } from '@playwright/test';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { TESTING_PORT, writeFixtureMedia } from './fixtures/test-server.ts';

const PORT = Number(process.env['E2E_PORT'] ?? 8181);
const baseURL = `http://127.0.0.1:${PORT}`;
const testMedia = mkdtempSync(join(tmpdir(), 'musync-media-'));
writeFixtureMedia(testMedia);

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  outputDir: '../test-results',
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  retries: 0,
  timeout: 30_000,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
  },
  webServer: [
    // The production start command, the one docker-compose.yml runs (`npm run serve`).
    {
      command: 'npm run serve',
      cwd: '..',
      url: `${baseURL}/api/health`,
      env: { PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: mkdtempSync(join(tmpdir(), 'musync-e2e-')) },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    // The same app plus the test-only seeding endpoint, for specs that need songs.
    {
      command: 'node backend/dist/testing/main.js',
      cwd: '..',
      url: `http://127.0.0.1:${TESTING_PORT}/api/health`,
      env: {
        PORT: String(TESTING_PORT),
        HOST: '127.0.0.1',
        DATA_DIR: mkdtempSync(join(tmpdir(), 'musync-e2e-')),
        TEST_MEDIA_DIR: testMedia,
        ADMIN_GRACE_MS: '1500',
      },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
