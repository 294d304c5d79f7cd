import { open } from 'node:fs/promises';
import { basename } from 'node:path';

import type { UploadSource } from '@musync/protocol';

export interface FileSource extends UploadSource {
  close(): Promise<void>;
}

/** A file on disk as an upload source: each chunk is a positional read into a fresh buffer, as `File.slice()` gives the SPA. */
export async function openFileSource(path: string, type: string): Promise<FileSource> {
  const file = await open(path, 'r');
  const { size } = await file.stat();
  return {
    name: basename(path),
    size,
    type,
    async read(offset, length) {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw new Error(`${path} ended at ${offset + filled} of ${size} bytes`);
        filled += bytesRead;
      }
      return buffer;
    },
    close: () => file.close(),
  };
}
