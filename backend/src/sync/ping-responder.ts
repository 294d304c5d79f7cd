import { Injectable } from '@nestjs/common';
import { TimePingSchema, type Ack, type TimePong } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { failureAck } from '../common/ack.interceptor.js';
import { validatePayload } from '../common/payload-validation.pipe.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { MusyncServer, MusyncSocket } from '../room/socket.types.js';
import { SyncService } from './sync.service.js';

/**
 * Answers `time:ping` at the socket, ahead of Nest's per-event pipeline, for
 * two reasons measured in docs/benchmarks.md ("What a clock ping costs"):
 * the arrival time `t1` is read the moment Socket.IO dispatches the event, not
 * after the interceptors and the pipe have run (their run time leaned every
 * clock estimate by that much), and pings, most of what a listener sends, cost
 * the server a fraction of the CPU. Every rule of the pipeline still holds:
 * the `time` rate budget, the payload's protocol schema, the typed ack and the
 * event metric, through the same functions the pipeline uses.
 */
@Injectable()
export class PingResponder {
  constructor(
    private readonly sync: SyncService,
    private readonly clock: ServerClock,
    private readonly limiter: RateLimiter,
    private readonly metrics: MetricsService,
  ) {}

  attach(server: MusyncServer): void {
    server.on('connection', (socket) => {
      socket.on('time:ping', (...args: unknown[]) => this.answer(socket, args));
    });
  }

  /** `args` as Socket.IO passes them: the payload, then the ack callback if the client asked for one. */
  private answer(socket: MusyncSocket, args: unknown[]): void {
    const receivedAt = this.clock.now();
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as (reply: Ack<TimePong>) => void) : null;
    // Exactly one payload; none or several are what Nest's adapter would make of them: not a ping.
    const payload = args.length === 1 ? args[0] : args;
    const reply = this.reply(socket, payload, receivedAt);
    this.metrics.handled('time:ping', payload, reply.ok ? null : reply.error.code);
    // A ping sent without an ack has no one to answer, but it counted against the budget.
    ack?.(reply);
  }

  private reply(socket: MusyncSocket, payload: unknown, receivedAt: number): Ack<TimePong> {
    try {
      this.limiter.admit(socket, 'time');
      return { ok: true, ...this.sync.pong(validatePayload(TimePingSchema, payload), receivedAt) };
    } catch (error) {
      return failureAck(error, 'time:ping', socket.id) as Ack<TimePong>;
    }
  }
}
