import { Sha256 } from '@musync/protocol';

/** Bytes read and hashed at a time: big enough to keep the hash busy, small enough to stay out of the way. */
export const HASH_PIECE_BYTES = 4 * 1024 * 1024;

/**
 * The file's SHA-256 (64 lowercase hex digits), read piece by piece so a large
 * file is never held whole; `onProgress` hears the bytes done after each piece.
 */
export async function hashFile(file: Blob, onProgress: (done: number, total: number) => void = () => undefined): Promise<string> {
  const hash = new Sha256();
  for (let offset = 0; offset < file.size; offset += HASH_PIECE_BYTES) {
    const piece = new Uint8Array(await file.slice(offset, offset + HASH_PIECE_BYTES).arrayBuffer());
    hash.update(piece);
    onProgress(offset + piece.length, file.size);
  }
  return hash.hex();
}
