import { Controller, Get, Logger, ServiceUnavailableException } from '@nestjs/common';

import { RoomStore } from '../room/room.store.js';

/** Readiness: the room store takes writes (DATA_DIR writable; Redis reachable in scaled mode). 503 while not. */
@Controller('api/ready')
export class ReadyController {
  private readonly logger = new Logger(ReadyController.name);

  constructor(private readonly store: RoomStore) {}

  @Get()
  async ready(): Promise<{ status: 'ready' }> {
    try {
      await this.store.ready();
      return { status: 'ready' };
    } catch (error) {
      // The detail (paths, hosts) goes to the log, not to whoever asks.
      this.logger.warn(`not ready: ${error instanceof Error ? error.message : String(error)}`);
      throw new ServiceUnavailableException({ status: 'not ready' });
    }
  }
}
