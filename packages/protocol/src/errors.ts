/** Stable error codes carried by failed acks. Clients may switch on them. */
export const ErrorCode = {
  /** The payload does not match the event's schema. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The event needs a joined room and the socket has none. */
  NOT_JOINED: 'NOT_JOINED',
  /** The socket already joined a room; one room per connection. */
  ALREADY_JOINED: 'ALREADY_JOINED',
  /** An unexpected server fault; the server logged it with a correlation id. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Every client event is acknowledged with one of these. */
export type Ack<T extends object = object> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly error: ErrorInfo };

export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;
