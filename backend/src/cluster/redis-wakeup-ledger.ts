import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';

import { ServerClock } from '../clock/server-clock.js';
import { WakeupLedger, type RoomWakeup } from '../room/wakeup-ledger.js';

const WAKEUPS = 'musync:wakeups';
/** Every node looks for overdue wakeups this often… */
export const POLL_MS = 1_000;
/** …and takes those overdue by this much: the node that made one fires it on time itself unless it died. */
export const LATE_MS = 1_000;

/**
 * Scaled mode: pending wakeups in one Redis sorted set (score = due time).
 * A wakeup is fired by whoever removes it from the set (ZREM answers 1 to one
 * caller only), so N nodes never fire it N times, and a crashed node's
 * wakeups are fired by a live node at most LATE_MS + POLL_MS late.
 */
export class RedisWakeupLedger extends WakeupLedger {
  private readonly logger = new Logger(RedisWakeupLedger.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly clock: ServerClock,
  ) {
    super();
  }

  async record(entry: RoomWakeup): Promise<void> {
    await this.redis.zadd(WAKEUPS, entry.wakeup.at, JSON.stringify(entry));
  }

  async claim(entry: RoomWakeup): Promise<boolean> {
    return (await this.redis.zrem(WAKEUPS, JSON.stringify(entry))) === 1;
  }

  watch(fire: (entry: RoomWakeup) => Promise<void>): void {
    let polling = false;
    this.timer = setInterval(() => {
      if (polling) return;
      polling = true;
      this.fireOverdue(fire)
        .catch((error: unknown) => this.logger.warn(`wakeups not polled: ${(error as Error).message}`))
        .finally(() => (polling = false));
    }, POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async fireOverdue(fire: (entry: RoomWakeup) => Promise<void>): Promise<void> {
    const overdue = await this.redis.zrangebyscore(WAKEUPS, '-inf', this.clock.now() - LATE_MS);
    for (const json of overdue) {
      const entry = JSON.parse(json) as RoomWakeup;
      if (await this.claim(entry)) await fire(entry);
    }
  }
}
