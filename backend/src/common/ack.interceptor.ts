import { randomUUID } from 'node:crypto';

import { Injectable, Logger, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ErrorCode, type Ack } from '@musync/protocol';
import { catchError, map, of, tap, type Observable } from 'rxjs';

import { MetricsService } from '../metrics/metrics.service.js';
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

  constructor(private readonly metrics: MetricsService) {}

  intercept(context: ExecutionContext, next: CallHandler<object>): Observable<Ack> {
    const ws = context.switchToWs();
    return next.handle().pipe(
      map((value): Ack => ({ ok: true, ...value })),
      catchError((error: unknown) => of(this.failure(context, error))),
      tap((ack) => this.metrics.handled(ws.getPattern(), ws.getData(), ack.ok ? null : ack.error.code)),
    );
  }

  private failure(context: ExecutionContext, error: unknown): Ack {
    if (error instanceof DomainError) return { ok: false, error: error.toInfo() };
    const correlationId = randomUUID();
    const ws = context.switchToWs();
    const event = ws.getPattern();
    const connectionId = ws.getClient<{ conn?: { id?: string } }>().conn?.id;
    this.logger.error(
      { msg: `${event} failed [${correlationId}]`, event, correlationId, connectionId },
      error instanceof Error ? error.stack : String(error),
    );
    return {
      ok: false,
      error: { code: ErrorCode.INTERNAL, message: `Something went wrong on the server (ref ${correlationId}).` },
    };
  }
}
