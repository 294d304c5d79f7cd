import { StandardSchemaValidationPipe } from '@nestjs/common';
import { ErrorCode } from '@musync/protocol';
import type * as z from 'zod';

import { DomainError } from './domain-error.js';

/** Keys that reach for an object's prototype; no Musync payload has them. */
const PROTOTYPE_KEYS = ['__proto__', 'prototype', 'constructor'];

/**
 * Validation against a payload's protocol schema. Nest's pipe would silently
 * delete prototype keys and go on with the rest of the payload; a payload
 * holding one is refused instead, like any other field the schema does not
 * know, so it changes nothing.
 */
class PayloadValidationPipe extends StandardSchemaValidationPipe {
  protected override stripProtoKeys(value: unknown): void {
    refusePrototypeKeys(value);
  }
}

function refusePrototypeKeys(value: unknown): void {
  const key = findPrototypeKey(value);
  if (key !== null) throw new DomainError(ErrorCode.INVALID_PAYLOAD, `${key}: not allowed`);
}

/** The first prototype key anywhere in the value (walked with a stack, so depth cannot overflow it). */
function findPrototypeKey(value: unknown): string | null {
  const stack = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== 'object' || ArrayBuffer.isView(current) || seen.has(current)) continue;
    seen.add(current);
    for (const key of Object.keys(current)) {
      if (PROTOTYPE_KEYS.includes(key)) return key;
      stack.push((current as Record<string, unknown>)[key]);
    }
  }
  return null;
}

type Issues = Parameters<NonNullable<ConstructorParameters<typeof StandardSchemaValidationPipe>[0]>['exceptionFactory'] & {}>[0];

/** Turns the schema's issues into one INVALID_PAYLOAD error the client can show. */
function invalidPayload(issues: Issues): DomainError {
  const details = issues
    .slice(0, 5)
    .map((issue) => {
      const path = (issue.path ?? []).map((key) => (typeof key === 'object' ? String(key.key) : String(key))).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
  return new DomainError(ErrorCode.INVALID_PAYLOAD, details || 'The payload is malformed.');
}

/** The one validation of every `@MessageBody({ schema })` against its protocol schema. */
export const payloadValidationPipe = new PayloadValidationPipe({ exceptionFactory: invalidPayload });

/**
 * The same validation for an event answered outside Nest's pipeline (the
 * `time:ping` fast path): the payload, or INVALID_PAYLOAD.
 */
export function validatePayload<T>(schema: z.ZodType<T>, value: unknown): T {
  refusePrototypeKeys(value);
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) throw new TypeError('payload schemas are synchronous');
  if (result.issues) throw invalidPayload(result.issues);
  return result.value;
}
