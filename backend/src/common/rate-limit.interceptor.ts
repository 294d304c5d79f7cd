import {
  Injectable,
  SetMetadata,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { CONTROL_BURST, CONTROL_PER_SECOND, ErrorCode } from '@musync/protocol';
import type { Observable } from 'rxjs';

import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { DomainError } from './domain-error.js';
import { TokenBucket } from './token-bucket.js';

/** Event classes with their own budgets: playback buttons, chat lines, request actions. */
export type RateClass = 'control' | 'chat' | 'requests';

interface Budget {
  readonly burst: number;
  readonly perSecond: number;
  /** What the refused person reads. */
  readonly message: string;
}

const RATE_CLASS = 'musync:rate-class';

/** Puts a gateway handler under a class's per-connection budget. */
export const RateLimited = (rateClass: RateClass): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_CLASS, rateClass);

/**
 * Per-connection rate limits. An interceptor rather than a guard, so a refusal
 * flows through the ack interceptor as a typed RATE_LIMITED ack.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  private readonly buckets = new WeakMap<object, Map<RateClass, TokenBucket>>();
  private readonly budgets: Readonly<Record<RateClass, Budget>>;

  constructor(
    private readonly reflector: Reflector,
    private readonly clock: ServerClock,
    config: AppConfig,
  ) {
    const control = { burst: CONTROL_BURST, perSecond: CONTROL_PER_SECOND };
    this.budgets = {
      control: { ...control, message: 'Slow down: too many playback commands.' },
      // CHAT_RATE_MESSAGES at once, refilled at that many per CHAT_RATE_WINDOW_MS.
      chat: {
        burst: config.CHAT_RATE_MESSAGES,
        perSecond: (config.CHAT_RATE_MESSAGES * 1000) / config.CHAT_RATE_WINDOW_MS,
        message: 'Slow down: you are sending messages too fast. Wait a moment, then send again.',
      },
      requests: { ...control, message: 'Slow down: too many request actions.' },
    };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rateClass = this.reflector.get<RateClass | undefined>(RATE_CLASS, context.getHandler());
    if (rateClass) {
      const client = context.switchToWs().getClient<object>();
      const buckets = this.buckets.get(client) ?? new Map<RateClass, TokenBucket>();
      this.buckets.set(client, buckets);
      const { burst, perSecond, message } = this.budgets[rateClass];
      const now = this.clock.now();
      const bucket = buckets.get(rateClass) ?? new TokenBucket(burst, perSecond, now);
      buckets.set(rateClass, bucket);
      if (!bucket.take(now)) throw new DomainError(ErrorCode.RATE_LIMITED, message);
    }
    return next.handle();
  }
}
