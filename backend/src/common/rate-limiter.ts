import { Injectable, Logger } from '@nestjs/common';
import {
  CONTROL_BURST,
  CONTROL_PER_SECOND,
  ErrorCode,
  SNAPSHOT_BURST,
  SNAPSHOT_PER_SECOND,
  TIME_BURST,
  TIME_PER_SECOND,
  UPLOAD_CHUNK_BURST,
  UPLOAD_CHUNKS_PER_SECOND,
} from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { clientAddress } from '../security/origin-policy.js';
import { DomainError } from './domain-error.js';
import { TokenBucket } from './token-bucket.js';

/** Event classes with their own budgets: playback buttons, chat lines, request actions, clock pings, upload chunks, resyncs. */
export type RateClass = 'control' | 'chat' | 'requests' | 'time' | 'upload' | 'resync';

interface Budget {
  readonly burst: number;
  readonly perSecond: number;
  /** What the refused person reads. */
  readonly message: string;
}

/** An address's buckets are forgotten after this long without an event. */
const ADDRESS_IDLE_MS = 10 * 60_000;

/** The connection as the limiter needs it (a Socket.IO socket). */
export interface LimitedClient {
  readonly id: string;
  readonly request: Parameters<typeof clientAddress>[0];
  disconnect(close: boolean): unknown;
}

/**
 * Rate limits per connection and per client address (RATE_LIMIT_IP_FACTOR times
 * a connection's budget, so one person cannot multiply it by opening sockets),
 * for every event class. A refusal is a DomainError (RATE_LIMITED), which the
 * caller turns into the typed ack. A connection refused more than
 * RATE_LIMIT_STRIKES times in a minute is disconnected.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimit');
  /** Per connection: its buckets, and its address (read once: the peer address is a system call each time). */
  private readonly connections = new WeakMap<object, { readonly address: string; readonly buckets: Map<RateClass | 'strikes', TokenBucket> }>();
  private readonly addresses = new Map<string, { buckets: Map<RateClass, TokenBucket>; seenAt: number }>();
  private readonly budgets: Readonly<Record<RateClass, Budget>>;

  constructor(
    private readonly clock: ServerClock,
    private readonly config: AppConfig,
  ) {
    const scale = config.RATE_LIMIT_SCALE;
    const scaled = (burst: number, perSecond: number) => ({ burst: burst * scale, perSecond: perSecond * scale });
    this.budgets = {
      control: { ...scaled(CONTROL_BURST, CONTROL_PER_SECOND), message: 'Slow down: too many playback commands.' },
      // CHAT_RATE_MESSAGES at once, refilled at that many per CHAT_RATE_WINDOW_MS.
      chat: {
        ...scaled(config.CHAT_RATE_MESSAGES, (config.CHAT_RATE_MESSAGES * 1000) / config.CHAT_RATE_WINDOW_MS),
        message: 'Slow down: you are sending messages too fast. Wait a moment, then send again.',
      },
      requests: { ...scaled(CONTROL_BURST, CONTROL_PER_SECOND), message: 'Slow down: too many request actions.' },
      time: { ...scaled(TIME_BURST, TIME_PER_SECOND), message: 'Slow down: too many clock pings.' },
      upload: { ...scaled(UPLOAD_CHUNK_BURST, UPLOAD_CHUNKS_PER_SECOND), message: 'Slow down: too many upload messages.' },
      resync: { ...scaled(SNAPSHOT_BURST, SNAPSHOT_PER_SECOND), message: 'Slow down: too many snapshot requests.' },
    };
  }

  /** Takes one event of `rateClass` from the connection's and its address's budgets; RATE_LIMITED when either is spent. */
  admit(client: LimitedClient, rateClass: RateClass): void {
    const now = this.clock.now();
    const budget = this.budgets[rateClass];
    const { address, buckets: own } = this.connection(client);
    const shared = this.addressBuckets(address, now);
    const ownBucket = bucketOf(own, rateClass, budget.burst, budget.perSecond, now);
    const factor = this.config.RATE_LIMIT_IP_FACTOR;
    const sharedBucket = bucketOf(shared, rateClass, budget.burst * factor, budget.perSecond * factor, now);
    // Both budgets must allow it; taking from the connection first keeps one abuser from draining the address alone.
    if (!ownBucket.take(now) || !sharedBucket.take(now)) {
      this.strike(client, own, now);
      throw new DomainError(ErrorCode.RATE_LIMITED, budget.message);
    }
  }

  private strike(client: LimitedClient, own: Map<RateClass | 'strikes', TokenBucket>, now: number): void {
    const strikes = this.config.RATE_LIMIT_STRIKES;
    if (bucketOf(own, 'strikes', strikes, strikes / 60, now).take(now)) return;
    this.logger.warn({
      msg: 'disconnecting a connection that kept exceeding its rate limits',
      connectionId: client.id,
      address: this.connection(client).address,
    });
    // After this event's RATE_LIMITED ack is on its way (engine.io flushes before closing).
    setImmediate(() => client.disconnect(true));
  }

  private connection(client: LimitedClient): { readonly address: string; readonly buckets: Map<RateClass | 'strikes', TokenBucket> } {
    let entry = this.connections.get(client);
    if (!entry) this.connections.set(client, (entry = { address: clientAddress(client.request, this.config.TRUST_PROXY), buckets: new Map() }));
    return entry;
  }

  private addressBuckets(address: string, now: number): Map<RateClass, TokenBucket> {
    let entry = this.addresses.get(address);
    if (!entry) {
      if (this.addresses.size >= 10_000) this.forgetIdle(now);
      this.addresses.set(address, (entry = { buckets: new Map(), seenAt: now }));
    }
    entry.seenAt = now;
    return entry.buckets;
  }

  private forgetIdle(now: number): void {
    for (const [address, entry] of this.addresses) {
      if (now - entry.seenAt > ADDRESS_IDLE_MS) this.addresses.delete(address);
    }
  }
}

function bucketOf<K>(buckets: Map<K, TokenBucket>, key: K, burst: number, perSecond: number, now: number): TokenBucket {
  let bucket = buckets.get(key);
  if (!bucket) buckets.set(key, (bucket = new TokenBucket(burst, perSecond, now)));
  return bucket;
}
