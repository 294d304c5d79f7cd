import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Observable } from 'rxjs';

import { RateLimiter, type LimitedClient, type RateClass } from './rate-limiter.js';

const RATE_CLASS = 'musync:rate-class';

/** Puts a gateway handler (or every handler of a gateway) under a class's budget. */
export const RateLimited = (rateClass: RateClass): MethodDecorator & ClassDecorator =>
  SetMetadata(RATE_CLASS, rateClass);

/**
 * Holds each gateway event to its `@RateLimited` class. An interceptor rather
 * than a guard, so a refusal flows through the ack interceptor as a typed
 * RATE_LIMITED ack.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rateClass = this.reflector.getAllAndOverride<RateClass | undefined>(RATE_CLASS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rateClass) this.limiter.admit(context.switchToWs().getClient<LimitedClient>(), rateClass);
    return next.handle();
  }
}
