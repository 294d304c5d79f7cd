import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

import { ServerClock } from '../clock/server-clock.js';
import { RedisLink } from './redis-link.js';

/** One offset measurement against the reference: what it says and how much to trust it (its round trip). */
export interface ClockSample {
  readonly offset: number;
  readonly rtt: number;
}

/** Pings per refresh; the lowest-round-trip one of the window wins. */
const BURST = 8;
/**
 * Samples kept: this burst and the one before, so one congested burst cannot
 * displace a good sample at once, while none is older than 2 refreshes (hosts
 * drift apart by tens of ppm: an older sample would be off by more than its rtt).
 */
const WINDOW = 2 * BURST;
/** Re-measured this often, so host drift (tens of ppm: under 1 ms per 10 s) stays far below a millisecond. */
const REFRESH_MS = 10_000;

/**
 * The offset NTP-style: the reference read `reference` somewhere between the
 * host's `sent` and `received`; taking the midpoint errs by at most half the
 * round trip (and by half the path asymmetry, which no two-way exchange sees).
 */
export function sampleOf(sent: number, reference: number, received: number): ClockSample {
  return { offset: reference - (sent + received) / 2, rtt: received - sent };
}

/** The offset to trust: the lowest-round-trip sample's. */
export function bestOffset(samples: readonly ClockSample[]): number | null {
  let best: ClockSample | null = null;
  for (const s of samples) if (!best || s.rtt < best.rtt) best = s;
  return best?.offset ?? null;
}

/** Redis `TIME` ([seconds, microseconds]) as epoch milliseconds. */
export function redisTimeMs([seconds, micros]: readonly [string | number, string | number]): number {
  return Number(seconds) * 1000 + Number(micros) / 1000;
}

/**
 * Scaled mode: makes this node's ServerClock serve cluster time, the one
 * reference every node shares (Redis TIME), whatever the hosts' clocks say.
 */
@Injectable()
export class ClusterClock implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ClusterClock.name);
  private samples: ClockSample[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly clock: ServerClock,
    private readonly link: RedisLink,
  ) {}

  /** The first measurement completes before the node listens, so it never serves host time. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.link.client) return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async refresh(): Promise<void> {
    const redis = this.link.required();
    try {
      for (let i = 0; i < BURST; i++) {
        const sent = this.clock.host();
        const time = (await redis.time()) as [string | number, string | number];
        const received = this.clock.host();
        this.samples.push(sampleOf(sent, redisTimeMs(time), received));
      }
      this.samples = this.samples.slice(-WINDOW);
      const offset = bestOffset(this.samples);
      if (offset !== null) this.clock.follow(offset);
    } catch (error) {
      // Redis away: keep serving the last offset (host drift is far below a ms over a restart).
      this.logger.warn(`cluster clock not refreshed: ${(error as Error).message}`);
    }
  }
}
