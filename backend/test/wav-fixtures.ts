import { createHash } from 'node:crypto';

/*
 * Generated audio files with known tags, for the backend specs and the browser
 * tests (e2e imports this file directly, so it depends on Node built-ins only).
 */

/** Tags a generated WAV can carry: title/artist in a LIST/INFO chunk, cover art in an `id3 ` chunk. */
export interface WavTags {
  readonly title?: string;
  readonly artist?: string;
  readonly album?: string;
  readonly cover?: Uint8Array;
}

/** 8 kHz mono 16-bit PCM: 16,000 bytes per second. */
const SAMPLE_RATE = 8000;

function chunk(id: string, body: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.write(id, 0, 'ascii');
  header.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

function infoText(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.alloc(1)]);
}

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f]);
}

/** An ID3v2.4 tag with TIT2/TPE1/TALB text frames and an APIC front cover. */
export function id3Tag(tags: WavTags): Buffer {
  const frame = (id: string, body: Buffer): Buffer => Buffer.concat([Buffer.from(id, 'ascii'), syncsafe(body.length), Buffer.alloc(2), body]);
  const text = (id: string, value: string | undefined): Buffer[] =>
    value === undefined ? [] : [frame(id, Buffer.concat([Buffer.from([3]), Buffer.from(value, 'utf8')]))];
  const frames = [
    ...text('TIT2', tags.title),
    ...text('TPE1', tags.artist),
    ...text('TALB', tags.album),
    ...(tags.cover
      ? [frame('APIC', Buffer.concat([Buffer.from([3]), Buffer.from('image/png\0', 'ascii'), Buffer.from([3, 0]), Buffer.from(tags.cover)]))]
      : []),
  ];
  const body = Buffer.concat(frames);
  return Buffer.concat([Buffer.from('ID3', 'ascii'), Buffer.from([4, 0, 0]), syncsafe(body.length), body]);
}

/** A valid WAV of `seconds` of a quiet tone, with optional tags. */
export function wav(seconds: number, tags: WavTags = {}): Buffer {
  const samples = Math.round(seconds * SAMPLE_RATE);
  const pcm = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) pcm.writeInt16LE(Math.round(Math.sin((i / SAMPLE_RATE) * 2 * Math.PI * 440) * 3000), i * 2);
  return wavOf(pcm, tags);
}

/** Wraps PCM bytes (8 kHz mono 16-bit) as a WAV. */
export function wavOf(pcm: Buffer, tags: WavTags = {}): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0); // PCM
  fmt.writeUInt16LE(1, 2); // mono
  fmt.writeUInt32LE(SAMPLE_RATE, 4);
  fmt.writeUInt32LE(SAMPLE_RATE * 2, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const info: Buffer[] = [];
  if (tags.title !== undefined) info.push(chunk('INAM', infoText(tags.title)));
  if (tags.artist !== undefined) info.push(chunk('IART', infoText(tags.artist)));
  const parts = [Buffer.from('WAVE', 'ascii'), chunk('fmt ', fmt), chunk('data', pcm)];
  if (info.length > 0) parts.push(chunk('LIST', Buffer.concat([Buffer.from('INFO', 'ascii'), ...info])));
  if (tags.cover || tags.album !== undefined) parts.push(chunk('id3 ', id3Tag(tags)));
  return chunk('RIFF', Buffer.concat(parts));
}

/** A 1×1 PNG, for cover art. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
