import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { Logger } from '@nestjs/common';

const logger = new Logger('Http');
const SANE_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Gives every HTTP request an id (the proxy's `X-Request-Id` when it is sane, a
 * new one otherwise), echoes it in the response, and logs the request with it
 * (debug level: audio Range requests are many).
 */
export function requestId(request: IncomingMessage, response: ServerResponse, next: () => void): void {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
  const started = performance.now();
  response.setHeader('X-Request-Id', id);
  response.once('finish', () => {
    logger.debug({
      msg: `${request.method} ${request.url} ${response.statusCode}`,
      requestId: id,
      ms: Math.round(performance.now() - started),
    });
  });
  next();
}
