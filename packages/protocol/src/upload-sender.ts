import { ErrorCode, type ErrorInfo } from './errors.js';
import type { ClientToServerEvents } from './events.js';
import { UPLOAD_RATE_LIMITED_BACKOFF_MAX_MS, UPLOAD_RATE_LIMITED_BACKOFF_MS, UPLOAD_WINDOW } from './limits.js';
import type { Song } from './playback.js';

/** Failures on the client's side of the wire: no ack came. */
export type TransportErrorCode = 'TIMEOUT' | 'NOT_CONNECTED';

/** A request that failed before the server answered; shaped like a failed ack. */
export interface TransportFailure {
  readonly ok: false;
  readonly error: { readonly code: TransportErrorCode; readonly message: string };
}

type UploadEvent = 'upload:start' | 'upload:chunk' | 'upload:finish' | 'upload:cancel';
type PayloadOf<E extends UploadEvent> = Parameters<ClientToServerEvents[E]>[0];
type AckOf<E extends UploadEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** How an uploader reaches the server: the SPA's socket client, or socket.io-client in Node. */
export interface UploadWire {
  /** Sends one command and resolves with its ack or a transport failure; never rejects. */
  request<E extends UploadEvent>(event: E, payload: PayloadOf<E>): Promise<AckOf<E> | TransportFailure>;
  /** Resolves once commands can go out again: connected and back in the room. */
  ready(): Promise<void>;
}

/** The file being sent: a browser File, or a file on disk. */
export interface UploadSource {
  readonly name: string;
  readonly size: number;
  readonly type?: string;
  /** Hex SHA-256 of the whole file, when the sender knows it (checked by the server at finish). */
  readonly sha256?: string;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface UploadProgress {
  /** Bytes the server has acknowledged. */
  readonly offset: number;
  readonly size: number;
}

/** The part of an AbortSignal the sender uses (the protocol package assumes neither DOM nor Node types). */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface UploadOptions {
  /** Chunks in flight at once; 1 is stop-and-wait. */
  readonly window?: number;
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Aborting stops sending and cancels the upload on the server. */
  readonly signal?: CancelSignal;
  /** Failures in a row, without a byte of progress, that the sender rides out before giving up. */
  readonly maxRetries?: number;
}

export type UploadFailureCode = ErrorCode | TransportErrorCode | 'CANCELLED' | 'UNREADABLE';

/** Why an upload did not complete. */
export class UploadFailed extends Error {
  constructor(
    readonly code: UploadFailureCode,
    message: string,
  ) {
    super(message);
    this.name = 'UploadFailed';
  }
}

/**
 * Failures that a reconnect and a resume can fix: the connection dropped or
 * stalled, the socket is not back in its room yet, or a chunk went out of step
 * (the server names its offset; a resume asks for it).
 */
const RESUMABLE = new Set<string>([
  'TIMEOUT',
  'NOT_CONNECTED',
  ErrorCode.NOT_JOINED,
  ErrorCode.CHUNK_OFFSET,
  ErrorCode.UPLOAD_INCOMPLETE,
  ErrorCode.RATE_LIMITED,
]);

const DEFAULT_MAX_RETRIES = 20;

/**
 * Sends one file with the chunk protocol: `upload:start` (which resumes the
 * room's unfinished upload of the same file and says how much the server has),
 * then chunks from that offset with up to `window` in flight, then `upload:finish`.
 * A dropped connection is ridden out: once the wire is ready again the upload
 * resumes where the server stopped, so no byte is sent twice or lost.
 */
export async function sendUpload(wire: UploadWire, source: UploadSource, options: UploadOptions = {}): Promise<Song> {
  const window = Math.max(1, Math.floor(options.window ?? UPLOAD_WINDOW));
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const { signal } = options;
  let uploadId: string | null = null;
  let retries = 0;
  let best = -1;

  const report = (offset: number): void => {
    if (offset > best) {
      best = offset;
      retries = 0;
      options.onProgress?.({ offset, size: source.size });
    }
  };
  const recover = async (error: ErrorInfo | TransportFailure['error']): Promise<void> => {
    if (!RESUMABLE.has(error.code) || retries >= maxRetries) throw new UploadFailed(error.code, error.message);
    retries += 1;
    if (error.code === ErrorCode.RATE_LIMITED) await untilAborted(pause(rateLimitedBackoff(retries)), signal);
    await untilAborted(wire.ready(), signal);
  };

  try {
    for (;;) {
      throwIfAborted(signal);
      const started = await wire.request('upload:start', {
        name: source.name,
        size: source.size,
        ...(source.type ? { type: source.type } : {}),
        ...(source.sha256 ? { sha256: source.sha256 } : {}),
      });
      if (!started.ok) {
        await recover(started.error);
        continue;
      }
      uploadId = started.uploadId;
      report(started.offset);
      const failure = await sendChunks(wire, source, started, window, report, signal);
      throwIfAborted(signal);
      if (failure) {
        await recover(failure);
        continue;
      }
      const finished = await wire.request('upload:finish', { uploadId });
      if (finished.ok) return finished.song;
      await recover(finished.error);
    }
  } catch (error) {
    if (error instanceof UploadFailed && error.code === 'CANCELLED' && uploadId !== null) {
      // Best effort: an upload the server never hears about again expires by itself.
      await wire.request('upload:cancel', { uploadId });
    }
    throw error;
  }
}

/** Chunks from `offset` to the end, `window` at a time; the first failure stops the sending. */
async function sendChunks(
  wire: UploadWire,
  source: UploadSource,
  start: { readonly uploadId: string; readonly chunkSize: number; readonly offset: number },
  window: number,
  report: (offset: number) => void,
  signal: CancelSignal | undefined,
): Promise<ErrorInfo | TransportFailure['error'] | null> {
  const inFlight = new Set<Promise<void>>();
  let failure: ErrorInfo | TransportFailure['error'] | null = null;
  let next = start.offset;
  while (next < source.size && failure === null && !signal?.aborted) {
    if (inFlight.size >= window) {
      await Promise.race(inFlight);
      continue;
    }
    const offset = next;
    const length = Math.min(start.chunkSize, source.size - offset);
    // Read before the next send, so the chunks leave in offset order.
    const data = await readChunk(source, offset, length);
    next += length;
    const sent: Promise<void> = wire.request('upload:chunk', { uploadId: start.uploadId, offset, data }).then((ack) => {
      inFlight.delete(sent);
      if (ack.ok) report(ack.offset);
      else failure ??= ack.error;
    });
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
  return failure;
}

async function readChunk(source: UploadSource, offset: number, length: number): Promise<Uint8Array> {
  try {
    return await source.read(offset, length);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UploadFailed('UNREADABLE', `"${source.name}" could not be read: ${reason}`);
  }
}

/** The wait before resuming after the `retries`-th refusal in a row: doubling from the base, capped. */
export function rateLimitedBackoff(retries: number): number {
  return Math.min(UPLOAD_RATE_LIMITED_BACKOFF_MS * 2 ** Math.max(0, retries - 1), UPLOAD_RATE_LIMITED_BACKOFF_MAX_MS);
}

/** The one timer the sender needs, typed here: the protocol package assumes neither DOM nor Node types. */
declare function setTimeout(callback: () => void, ms: number): unknown;

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function throwIfAborted(signal: CancelSignal | undefined): void {
  if (signal?.aborted) throw new UploadFailed('CANCELLED', 'The upload was cancelled.');
}

/** Waits for `promise`, or fails as cancelled as soon as the signal aborts. */
function untilAborted(promise: Promise<void>, signal: CancelSignal | undefined): Promise<void> {
  if (!signal) return promise;
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(new UploadFailed('CANCELLED', 'The upload was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
