import { StandardSchemaValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@musync/protocol';

import { DomainError } from './domain-error.js';

/**
 * Validates each `@MessageBody({ schema })` against its protocol schema and
 * turns the issues into one INVALID_PAYLOAD error the client can show.
 */
export const payloadValidationPipe = new StandardSchemaValidationPipe({
  exceptionFactory: (issues) => {
    const details = issues
      .slice(0, 5)
      .map((issue) => {
        const path = (issue.path ?? []).map((key) => (typeof key === 'object' ? String(key.key) : String(key))).join('.');
        return path ? `${path}: ${issue.message}` : issue.message;
      })
      .join('; ');
    return new DomainError(ErrorCode.INVALID_PAYLOAD, details || 'The payload is malformed.');
  },
});
