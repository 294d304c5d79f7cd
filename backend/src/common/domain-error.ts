import type { ErrorCode, ErrorInfo } from '@musync/protocol';

/** The one error type services and the room reducer throw; the ack interceptor maps it to `{ ok: false, error }`. */
export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }

  toInfo(): ErrorInfo {
    return { code: this.code, message: this.message };
  }
}
