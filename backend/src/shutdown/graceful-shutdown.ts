import { Logger, type INestApplication } from '@nestjs/common';

import { ConnectionGate } from '../security/connection-gate.js';

/**
 * SIGTERM / SIGINT: refuse new connections and close the open ones so clients
 * reconnect elsewhere (ConnectionGate.drain), then close the app: uploads park
 * their chunks on disk (UploadService waits for each file's queued writes, and an
 * interrupted upload resumes from the bytes on disk), room state is flushed
 * (MemoryRoomStore), the HTTP server stops. Past `timeoutMs` the process exits
 * anyway, with code 1, so an orchestrator is never left waiting.
 */
export function exitGracefullyOnSignals(app: INestApplication, timeoutMs: number): void {
  const logger = new Logger('Shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: draining connections, parking uploads, flushing state (at most ${timeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`still not closed after ${timeoutMs} ms; exiting now`);
      process.exit(1);
    }, timeoutMs).unref();
    app.get(ConnectionGate).drain();
    app.close().then(
      () => {
        logger.log('closed cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error(`closing failed: ${error instanceof Error ? error.stack : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
