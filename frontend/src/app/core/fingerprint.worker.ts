import { hashFile } from './hash-file';

/** What the page hears back while a file is fingerprinted. */
export type FingerprintMessage =
  | { readonly kind: 'progress'; readonly done: number; readonly total: number }
  | { readonly kind: 'done'; readonly fingerprint: string }
  | { readonly kind: 'failed'; readonly message: string };

// A dedicated worker's global scope; the app's TypeScript library is the DOM's, so only what is used is named.
const scope = globalThis as unknown as {
  onmessage: ((event: MessageEvent<{ readonly file: Blob }>) => void) | null;
  postMessage(message: FingerprintMessage): void;
};

// Off the page's thread: hashing a long file must not freeze the room.
scope.onmessage = ({ data }) => {
  hashFile(data.file, (done, total) => scope.postMessage({ kind: 'progress', done, total })).then(
    (fingerprint) => scope.postMessage({ kind: 'done', fingerprint }),
    (error: unknown) => scope.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
};
