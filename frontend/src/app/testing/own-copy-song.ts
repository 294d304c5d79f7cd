import { Sha256, localSongId, type Song } from '@musync/protocol';

/** Builders for own-copy specs: a file's bytes, their fingerprint, and the song listed by it. */

export const bytesOf = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

export const fingerprintOf = (bytes: Uint8Array): string => new Sha256().update(bytes).hex();

/** The own-copy song a file of `bytes` becomes. */
export function ownCopySong(bytes: Uint8Array, title = 'Click', duration = 3): Song {
  const fingerprint = fingerprintOf(bytes);
  return {
    id: localSongId(fingerprint),
    title,
    artist: null,
    album: null,
    duration,
    url: '',
    coverUrl: null,
    source: { kind: 'local', fingerprint, size: bytes.length },
  };
}
