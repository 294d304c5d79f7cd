import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ErrorCode, SECRET_GUESS_BURST, SECRET_GUESS_REFILL_MS } from '@musync/protocol';
import { tap, type Observable } from 'rxjs';

import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { clientAddress } from '../security/origin-policy.js';
import { DomainError } from './domain-error.js';
import { TokenBucket } from './token-bucket.js';

/** The refusals that mean "you guessed a secret wrong". */
const WRONG_GUESS: ReadonlySet<string> = new Set([ErrorCode.WRONG_PASSWORD, ErrorCode.WRONG_PASSCODE]);

/** The payload keys that carry a guess (`admin:claim`'s password, `room:join`'s passcode). */
const SECRET_KEYS = ['password', 'passcode'] as const;

/**
 * A strict budget of wrong guesses at the admin password and room passcodes,
 * per client address (connections are cheap to open, addresses are not):
 * SECRET_GUESS_BURST, then one more every SECRET_GUESS_REFILL_MS. A guess takes
 * its token *before* it is checked — so a burst of simultaneous guesses cannot
 * all pass a "budget left?" look — and gets it back unless it was wrong. Once
 * the budget is spent even the right secret is refused (RATE_LIMITED), so an
 * attacker learns nothing from further tries.
 */
@Injectable()
export class GuessLimitInterceptor implements NestInterceptor {
  private readonly addresses = new Map<string, TokenBucket>();

  constructor(
    private readonly clock: ServerClock,
    private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ws = context.switchToWs();
    if (!carriesSecret(ws.getData())) return next.handle();
    const now = this.clock.now();
    const address = clientAddress(ws.getClient<{ request: Parameters<typeof clientAddress>[0] }>().request, this.config.TRUST_PROXY);
    const bucket = this.bucketOf(address, now);
    if (!bucket.take(now)) {
      throw new DomainError(
        ErrorCode.RATE_LIMITED,
        'Too many wrong passwords or passcodes from your address: wait a minute, then try again.',
      );
    }
    return next.handle().pipe(
      tap({
        next: () => bucket.giveBack(),
        error: (error: unknown) => {
          if (!(error instanceof DomainError && WRONG_GUESS.has(error.code))) bucket.giveBack();
        },
      }),
    );
  }

  private bucketOf(address: string, now: number): TokenBucket {
    let bucket = this.addresses.get(address);
    if (!bucket) {
      // A full bucket is the same as none: forget those before the map grows large.
      if (this.addresses.size >= 10_000) this.forgetFull(now);
      this.addresses.set(address, (bucket = new TokenBucket(SECRET_GUESS_BURST, 1000 / SECRET_GUESS_REFILL_MS, now)));
    }
    return bucket;
  }

  private forgetFull(now: number): void {
    for (const [address, bucket] of this.addresses) if (bucket.isFull(now)) this.addresses.delete(address);
  }
}

function carriesSecret(payload: unknown): boolean {
  if (typeof payload !== 'object' || payload === null) return false;
  return SECRET_KEYS.some((key) => Object.hasOwn(payload, key));
}
