import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ErrorCode, type Ack } from '@musync/protocol';
import { catchError, map, of, tap, type Observable } from 'rxjs';

import { MetricsService } from '../metrics/metrics.service.js';
import { DomainError } from './domain-error.js';

const logger = new Logger('Ack');

/**
 * Turns every gateway handler's outcome into the typed ack: a returned object
 * becomes `{ ok: true, ...value }`, a DomainError (validation included) its
 * `{ ok: false, error }`, anything else `INTERNAL`, logged with a correlation id
 * that the client also receives.
 */
@Injectable()
export class AckInterceptor implements NestInterceptor {
  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler<object>): Observable<Ack> {
    const ws = context.switchToWs();
    return next.handle().pipe(
      map((value): Ack => ({ ok: true, ...value })),
      catchError((error: unknown) =>
        of(failureAck(error, ws.getPattern(), ws.getClient<{ id?: string }>().id)),
      ),
      tap((ack) => this.metrics.handled(ws.getPattern(), ws.getData(), ack.ok ? null : ack.error.code)),
    );
  }
}

/** The failed ack for an error thrown while handling `event`: the DomainError's own, or a logged INTERNAL. */
export function failureAck(error: unknown, event: string, connectionId: string | undefined): Ack {
  if (error instanceof DomainError) return { ok: false, error: error.toInfo() };
  const correlationId = randomUUID();
  logger.error(
    { msg: `${event} failed [${correlationId}]`, event, correlationId, connectionId },
    error instanceof Error ? error.stack : String(error),
  );
  return {
    ok: false,
    error: { code: ErrorCode.INTERNAL, message: `Something went wrong on the server (ref ${correlationId}).` },
  };
}
