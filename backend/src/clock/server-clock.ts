import { Injectable } from '@nestjs/common';

/**
 * The server's clock: epoch milliseconds with sub-millisecond resolution.
 * Date.now() is whole milliseconds and steps when NTP adjusts the host;
 * timeOrigin + performance.now() is monotonic and fine-grained.
 *
 * In scaled mode every node serves cluster time: its host clock plus the
 * offset ClusterClock measured to the shared reference (Redis TIME).
 */
@Injectable()
export class ServerClock {
  private offsetMs = 0;

  /** `skewMs` shifts the host clock (TEST_CLOCK_SKEW_MS: tests start a node skewed). */
  constructor(private readonly skewMs = 0) {}

  now(): number {
    return this.host() + this.offsetMs;
  }

  /** This host's own clock, before any cluster correction. */
  host(): number {
    return performance.timeOrigin + performance.now() + this.skewMs;
  }

  /** Serves `host() + offsetMs` from now on (the measured offset to the cluster's reference). */
  follow(offsetMs: number): void {
    this.offsetMs = offsetMs;
  }
}
