import type { FileHandle } from 'node:fs/promises';

interface Pending {
  readonly bytes: Buffer;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Appends an upload's chunks to its temp file in the order they were taken.
 * Whatever arrives while one write is on the disk goes out in the next single
 * `writev`, so taking chunks off the socket never waits for the disk (one
 * awaited write per 64 KiB chunk left the process idle half the time).
 * After a failed write every later append fails too: the file's tail is unknown.
 */
export class ChunkWriter {
  private readonly pending: Pending[] = [];
  private draining: Promise<void> | null = null;
  private _written: number;
  private _failure: unknown = null;

  constructor(
    private readonly file: () => Promise<FileHandle>,
    written: number,
  ) {
    this._written = written;
  }

  /** Bytes on disk, from offset 0. */
  get written(): number {
    return this._written;
  }

  /** The error of a failed write, or null. */
  get failure(): unknown {
    return this._failure;
  }

  /** Queues `bytes` right after everything queued before; resolves once they are on disk. */
  append(bytes: Buffer): Promise<void> {
    if (this._failure !== null) return Promise.reject(this._failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ bytes, resolve, reject });
      this.draining ??= this.drain();
    });
  }

  /** Resolves once nothing is queued or being written (whether the writes succeeded or not). */
  async settle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0 && this._failure === null) {
        const batch = this.pending.splice(0);
        try {
          await writeAll(await this.file(), batch.map((p) => p.bytes), this._written);
        } catch (error) {
          this._failure = error;
          for (const p of [...batch, ...this.pending.splice(0)]) p.reject(error);
          return;
        }
        for (const p of batch) {
          this._written += p.bytes.length;
          p.resolve();
        }
      }
    } finally {
      this.draining = null;
    }
  }
}

/** `writev` until every byte is written (it may write fewer than asked). */
async function writeAll(file: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let rest = buffers;
  let at = position;
  while (rest.length > 0) {
    const { bytesWritten } = await file.writev(rest, at);
    if (bytesWritten === 0) throw new Error('the disk took no bytes');
    at += bytesWritten;
    let skipped = bytesWritten;
    const left: Buffer[] = [];
    for (const buffer of rest) {
      if (skipped >= buffer.length) skipped -= buffer.length;
      else {
        left.push(skipped > 0 ? buffer.subarray(skipped) : buffer);
        skipped = 0;
      }
    }
    rest = left;
  }
}
