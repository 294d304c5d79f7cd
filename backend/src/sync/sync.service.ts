import { Injectable } from '@nestjs/common';
import type { TimePing, TimePong } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';

/** Answers clock pings so clients can estimate their offset to server time. */
@Injectable()
export class SyncService {
  constructor(private readonly clock: ServerClock) {}

  /** `receivedAt` is read as early as possible in the handler; the reply time just before it leaves. */
  pong(ping: TimePing, receivedAt: number): TimePong {
    return { t0: ping.t0, t1: receivedAt, t2: this.clock.now() };
  }
}
