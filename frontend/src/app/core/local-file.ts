import { InjectionToken, Service, inject } from '@angular/core';

import type { FingerprintMessage } from './fingerprint.worker';
import { hashFile } from './hash-file';

/**
 * Starts the fingerprint worker. The app provides it (app.config.ts) with
 * `new Worker(new URL('./core/fingerprint.worker', import.meta.url))`, which the
 * Angular build bundles as its own file; without it (unit tests) files are
 * hashed on the page's thread, piece by piece.
 */
export const FINGERPRINT_WORKER = new InjectionToken<(() => Worker) | null>('FINGERPRINT_WORKER', {
  providedIn: 'root',
  factory: () => null,
});

/** What the browser learns about a picked file without sending it anywhere. */
@Service()
export class LocalFileReader {
  private readonly startWorker = inject(FINGERPRINT_WORKER);

  /** The file's SHA-256, in a worker, with the fraction done as it goes. */
  fingerprint(file: Blob, onProgress: (fraction: number) => void): Promise<string> {
    const progress = (done: number, total: number): void => onProgress(total > 0 ? done / total : 1);
    const worker = this.startWorker?.() ?? null;
    if (!worker) return hashFile(file, progress);
    return new Promise<string>((resolve, reject) => {
      worker.onmessage = ({ data }: MessageEvent<FingerprintMessage>) => {
        if (data.kind === 'progress') return progress(data.done, data.total);
        worker.terminate();
        if (data.kind === 'done') resolve(data.fingerprint);
        else reject(new Error(data.message));
      };
      worker.onerror = (event) => {
        worker.terminate();
        reject(new Error(event.message || 'the fingerprint worker failed'));
      };
      worker.postMessage({ file });
    });
  }

  /**
   * The song's length in seconds, from the file's own metadata through an audio
   * element (nothing decoded), else by decoding it; null if this browser cannot read it.
   */
  duration(file: Blob): Promise<number | null> {
    return new Promise<number | null>((resolve) => {
      const element = new Audio();
      const url = URL.createObjectURL(file);
      const done = (seconds: number | null): void => {
        element.removeAttribute('src');
        URL.revokeObjectURL(url);
        resolve(seconds !== null && Number.isFinite(seconds) && seconds > 0 ? seconds : null);
      };
      element.preload = 'metadata';
      element.onloadedmetadata = () => done(element.duration);
      element.onerror = () => done(null);
      element.src = url;
    }).then((seconds) => seconds ?? decodedDuration(file));
  }
}

/** Decodes the whole file for its length: the fallback when an audio element cannot read the metadata. */
async function decodedDuration(file: Blob): Promise<number | null> {
  if (typeof OfflineAudioContext === 'undefined') return null;
  try {
    const buffer = await new OfflineAudioContext(1, 1, 44_100).decodeAudioData(await file.arrayBuffer());
    return buffer.duration > 0 ? buffer.duration : null;
  } catch {
    return null;
  }
}
