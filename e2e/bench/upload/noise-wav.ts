import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';

const HEADER_BYTES = 44;
const SAMPLE_RATE = 44_100;
const CHANNELS = 2;
const BYTES_PER_FRAME = CHANNELS * 2;
const BLOCK_BYTES = 1024 * 1024;

/** Seconds of audio in a noise WAV of `bytes` (what the server must read back as the song's duration). */
export function noiseWavSeconds(bytes: number): number {
  return (bytes - HEADER_BYTES) / (SAMPLE_RATE * BYTES_PER_FRAME);
}

/**
 * Writes a 16-bit stereo 44.1 kHz PCM WAV of exactly `bytes` (a multiple of 4)
 * holding random noise, one reused 1 MiB block at a time. Random samples make
 * every file distinct, so the media store's dedup by content hash never skips one.
 */
export async function writeNoiseWav(path: string, bytes: number): Promise<void> {
  if (bytes <= HEADER_BYTES || bytes % BYTES_PER_FRAME !== 0 || bytes - 8 > 0xffff_ffff) {
    throw new Error(`a noise WAV cannot be ${bytes} bytes`);
  }
  const dataBytes = bytes - HEADER_BYTES;
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(bytes - 8, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(CHANNELS, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * BYTES_PER_FRAME, 28);
  header.writeUInt16LE(BYTES_PER_FRAME, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);

  const file = await open(path, 'w');
  try {
    await file.write(header);
    const block = Buffer.allocUnsafe(BLOCK_BYTES);
    for (let written = 0; written < dataBytes; ) {
      const length = Math.min(BLOCK_BYTES, dataBytes - written);
      randomFillSync(block, 0, length);
      const result = await file.write(block, 0, length);
      written += result.bytesWritten;
    }
  } finally {
    await file.close();
  }
}
