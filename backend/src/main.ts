import { ConfigError, parseConfig } from './config/config.js';

async function main(): Promise<void> {
  // Check the settings before Nest boots, so a bad one is one clear line, not a stack trace.
  const { PORT, HOST, LOG_LEVEL, SHUTDOWN_TIMEOUT_MS } = parseConfig(process.env);
  const { createMusync } = await import('./bootstrap.js');
  const { Logger } = await import('@nestjs/common');
  const { JsonLogger } = await import('./logging/json-logger.js');
  const { exitGracefullyOnSignals } = await import('./shutdown/graceful-shutdown.js');
  const app = await createMusync({ logger: new JsonLogger(LOG_LEVEL) });
  exitGracefullyOnSignals(app, SHUTDOWN_TIMEOUT_MS);
  await app.listen(PORT, HOST);
  Logger.log(`Musync is listening on http://localhost:${PORT}`, 'Main');
}

main().catch((error: unknown) => {
  const detail = error instanceof ConfigError ? error.message : error instanceof Error ? error.stack : String(error);
  console.error(`Musync could not start. ${detail}`);
  process.exit(1);
});
