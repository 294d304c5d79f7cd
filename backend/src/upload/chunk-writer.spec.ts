import type { FileHandle } from 'node:fs/promises';

import { ChunkWriter } from './chunk-writer.js';

/** A file in memory whose writev takes at most `limit` bytes per call and can be made to fail. */
class MemoryFile {
  bytes: Buffer = Buffer.alloc(0);
  calls = 0;
  fail: Error | null = null;

  constructor(private readonly limit = Infinity) {}

  async writev(buffers: Buffer[], position: number): Promise<{ bytesWritten: number }> {
    this.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 1));
    if (this.fail) throw this.fail;
    const data = Buffer.concat(buffers).subarray(0, this.limit);
    const end = position + data.length;
    if (end > this.bytes.length) this.bytes = Buffer.concat([this.bytes, Buffer.alloc(end - this.bytes.length)]);
    data.copy(this.bytes, position);
    return { bytesWritten: data.length };
  }

  asHandle(): () => Promise<FileHandle> {
    return async () => this as unknown as FileHandle;
  }
}

const piece = (n: number, fill: number): Buffer => Buffer.alloc(n, fill);

describe('ChunkWriter', () => {
  it('writes chunks in order, batching those that arrive during a write into one writev', async () => {
    const file = new MemoryFile();
    const writer = new ChunkWriter(file.asHandle(), 0);
    const chunks = Array.from({ length: 10 }, (_, i) => piece(5, i + 1));
    await Promise.all(chunks.map((c) => writer.append(c)));
    expect(file.bytes).toEqual(Buffer.concat(chunks));
    expect(writer.written).toBe(50);
    // The first chunk goes alone; the nine queued behind it go in one call.
    expect(file.calls).toBe(2);
  });

  it('resolves each append only once its bytes are on disk', async () => {
    const file = new MemoryFile();
    const writer = new ChunkWriter(file.asHandle(), 0);
    const seen: number[] = [];
    await Promise.all([1, 2, 3].map((n) => writer.append(piece(4, n)).then(() => seen.push(writer.written))));
    expect(seen.every((written) => written >= 4)).toBe(true);
    expect(seen.at(-1)).toBe(12);
  });

  it('continues after a short write and starts at the offset it was given', async () => {
    const file = new MemoryFile(3);
    file.bytes = piece(6, 9);
    const writer = new ChunkWriter(file.asHandle(), 6);
    await Promise.all([writer.append(piece(4, 1)), writer.append(piece(4, 2))]);
    expect(file.bytes).toEqual(Buffer.concat([piece(6, 9), piece(4, 1), piece(4, 2)]));
    expect(writer.written).toBe(14);
  });

  it('fails the chunks of a failed write, those queued behind it, and every later one', async () => {
    const file = new MemoryFile();
    const writer = new ChunkWriter(file.asHandle(), 0);
    await writer.append(piece(2, 1));
    file.fail = new Error('EIO');
    const results = await Promise.allSettled([writer.append(piece(2, 2)), writer.append(piece(2, 3))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(writer.append(piece(2, 4))).rejects.toThrow('EIO');
    expect(writer.written).toBe(2);
    expect(writer.failure).toEqual(new Error('EIO'));
    await writer.settle();
  });
});
