import { Injectable } from '@nestjs/common';

/**
 * The server's clock: epoch milliseconds with sub-millisecond resolution.
 * Date.now() is whole milliseconds and steps when NTP adjusts the host;
 * timeOrigin + performance.now() is monotonic and fine-grained.
 */
@Injectable()
export class ServerClock {
  now(): number {
    return performance.timeOrigin + performance.now();
  }
}
