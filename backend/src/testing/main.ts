/**
 * Test-only entry point: the production app plus the seeding endpoints
 * (TestingAppModule). Browser tests and the sync bench start this; production
 * (`npm run serve`, the Docker image) starts ../main.ts, which never loads it.
 */
import { ConfigError, parseConfig } from '../config/config.js';

async function main(): Promise<void> {
  const { PORT, HOST, SHUTDOWN_TIMEOUT_MS } = parseConfig(process.env);
  const { createMusync } = await import('../bootstrap.js');
  const { TestingAppModule } = await import('./testing.module.js');
  const { exitGracefullyOnSignals } = await import('../shutdown/graceful-shutdown.js');
  const app = await createMusync({ module: () => TestingAppModule.forRoot(), logger: ['error', 'warn'] });
  exitGracefullyOnSignals(app, SHUTDOWN_TIMEOUT_MS);
  await app.listen(PORT, HOST);
}

main().catch((error: unknown) => {
  console.error(`Musync (testing) could not start. ${error instanceof ConfigError ? error.message : String(error)}`);
  process.exit(1);
});
