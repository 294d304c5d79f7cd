import { randomUUID } from 'node:crypto';

import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/** Reconnection back-off: 100 ms more per attempt, at most 500 ms between attempts. */
const RETRY_STEP_MS = 100;
const RETRY_CAP_MS = 500;
/**
 * Commands issued while Redis is away wait in ioredis's queue for this many
 * reconnection attempts (about 10 s at the cap) before they fail: a Redis
 * restart delays commands, it does not turn them into errors.
 */
const RETRIES_PER_COMMAND = 20;

/**
 * This node's link to the cluster: its Redis client (null in the embedded
 * default, where REDIS_URL is unset) and the node's id, unique per process.
 */
export class RedisLink implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisLink.name);
  readonly nodeId = randomUUID();
  readonly client: Redis | null;
  private lastError = '';

  constructor(url: string | undefined) {
    this.client = url ? this.connect(url) : null;
  }

  /** The client, for code that only runs in scaled mode. */
  required(): Redis {
    if (!this.client) throw new Error('Scaled-mode code ran without REDIS_URL');
    return this.client;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.client?.status === 'ready') await this.client.quit().catch(() => undefined);
    else this.client?.disconnect();
  }

  private connect(url: string): Redis {
    const client = new Redis(url, {
      retryStrategy: (attempt) => Math.min(attempt * RETRY_STEP_MS, RETRY_CAP_MS),
      maxRetriesPerRequest: RETRIES_PER_COMMAND,
      connectionName: `musync:${this.nodeId}`,
    });
    // Logged once per distinct error, not once per retry, and never thrown: ioredis reconnects by itself.
    client.on('error', (error: Error) => {
      if (error.message === this.lastError) return;
      this.lastError = error.message;
      this.logger.warn(`Redis: ${error.message} (reconnecting)`);
    });
    client.on('ready', () => {
      if (this.lastError) this.logger.log('Redis: connected again');
      this.lastError = '';
    });
    return client;
  }
}
