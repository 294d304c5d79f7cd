import { Logger, type INestApplication } from '@nestjs/common';

import { RoomService } from '../room/room.service.js';
import { ConnectionGate } from '../security/connection-gate.js';

/**
 * SIGTERM / SIGINT: refuse new connections and close the open ones so clients
 * reconnect elsewhere (ConnectionGate.drain), let their leaves finish, then close the app: uploads park
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
    drainThenClose(app, timeoutMs / 2).then(
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

/**
 * Closes every connection, waits (at most `drainMs`) until they are gone and
 * the room commands their disconnects started (leaves) are stored and told to
 * the room, broadcasts held to share a packet included (RoomService.settled
 * flushes them; SocketBroadcaster flushes again as the app closes, before the
 * Redis link does), then closes the app. In scaled mode that order matters: the Redis
 * link closes with the app, so a leave still running then would never reach
 * the other nodes' listeners.
 */
async function drainThenClose(app: INestApplication, drainMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)));
  await Promise.race([app.get(ConnectionGate).drain(), bound]);
  await Promise.race([app.get(RoomService).settled(), bound]);
  clearTimeout(timer);
  await app.close();
}
