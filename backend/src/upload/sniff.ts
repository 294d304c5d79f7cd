/** How many leading bytes `sniffAudio` needs. */
export const SNIFF_BYTES = 16;

export interface SniffedFormat {
  readonly format: 'mp3' | 'aac' | 'wav' | 'ogg' | 'flac' | 'mp4' | 'webm';
  readonly mime: string;
}

/**
 * The audio container a file is, from its first bytes (magic numbers); the
 * name and the browser's MIME type are not trusted. Null when it is none we serve.
 */
export function sniffAudio(head: Uint8Array): SniffedFormat | null {
  const ascii = (at: number, text: string): boolean =>
    [...text].every((char, i) => head[at + i] === char.charCodeAt(0));
  if (ascii(0, 'ID3')) return { format: 'mp3', mime: 'audio/mpeg' };
  if (ascii(0, 'RIFF') && ascii(8, 'WAVE')) return { format: 'wav', mime: 'audio/wav' };
  if (ascii(0, 'OggS')) return { format: 'ogg', mime: 'audio/ogg' };
  if (ascii(0, 'fLaC')) return { format: 'flac', mime: 'audio/flac' };
  if (ascii(4, 'ftyp')) return { format: 'mp4', mime: 'audio/mp4' };
  if (head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return { format: 'webm', mime: 'audio/webm' };
  }
  const [first = 0, second = 0] = head;
  // MPEG frame sync: 11 set bits. Layer bits 00 mean ADTS (AAC), others MPEG audio layer I–III.
  if (first === 0xff && (second & 0xe0) === 0xe0) {
    const layer = (second >> 1) & 0b11;
    if (layer === 0) return (second & 0xf6) === 0xf0 ? { format: 'aac', mime: 'audio/aac' } : null;
    return ((second >> 3) & 0b11) === 0b01 ? null : { format: 'mp3', mime: 'audio/mpeg' };
  }
  return null;
}
