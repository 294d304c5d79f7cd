import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ErrorCode, type Ack } from '@musync/protocol';
import { catchError, map, of, type Observable } from 'rxjs';

import { DomainError } from './domain-error.js';

/**
 * Turns every gateway handler's outcome into the typed ack: a returned object
 * becomes `{ ok: true, ...value }`, a DomainError (validation included) its
 * `{ ok: false, error }`, anything else `INTERNAL`, logged with a correlation id
 * that the client also receives.
 */
@Injectable()
export class AckInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Ack');

  intercept(context: ExecutionContext, next: CallHandler<object>): Observable<Ack> {
    return next.handle().pipe(
      map((value): Ack => ({ ok: true, ...value })),
      catchError((error: unknown) => of(this.failure(context, error))),
    );
  }

  private failure(context: ExecutionContext, error: unknown): Ack {
    if (error instanceof DomainError) return { ok: false, error: error.toInfo() };
    const correlationId = randomUUID();
    const event = context.switchToWs().getPattern();
    this.logger.error(`${event} failed [${correlationId}]`, error instanceof Error ? error.stack : String(error));
    return {
      ok: false,
      error: { code: ErrorCode.INTERNAL, message: `Something went wrong on the server (ref ${correlationId}).` },
    };
  }
}
