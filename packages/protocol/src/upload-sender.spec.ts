import { ErrorCode } from './errors.js';
import { CHUNK_SIZE, UPLOAD_RATE_LIMITED_BACKOFF_MAX_MS, UPLOAD_RATE_LIMITED_BACKOFF_MS } from './limits.js';
import type { Song } from './playback.js';
import { rateLimitedBackoff, sendUpload, UploadFailed, type TransportFailure, type UploadSource, type UploadWire } from './upload-sender.js';

const SONG: Song = { id: 'a'.repeat(64), title: 't', artist: null, album: null, duration: 1, url: '/api/media/a', coverUrl: null };

function bytes(size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (i * 7) % 251);
}

function sourceOf(data: Uint8Array, name = 'song.mp3'): UploadSource {
  return { name, size: data.length, read: async (offset, length) => data.slice(offset, offset + length) };
}

const dropped: TransportFailure = { ok: false, error: { code: 'NOT_CONNECTED', message: 'Not connected to the server.' } };

/**
 * The server's side of the chunk protocol in memory: one upload, bytes appended
 * in order, out-of-step chunks refused. `dropAfter` cuts the "connection" once
 * that many chunks were written: everything until `ready()` fails as NOT_CONNECTED.
 */
class FakeServer implements UploadWire {
  received = new Uint8Array(0);
  starts = 0;
  cancels = 0;
  chunkWrites = 0;
  maxInFlight = 0;
  private inFlight = 0;
  private connected = true;

  constructor(private readonly options: { dropAfter?: number } = {}) {}

  async ready(): Promise<void> {
    this.connected = true;
  }

  request: UploadWire['request'] = async (event, payload) => {
    if (!this.connected) return dropped;
    switch (event) {
      case 'upload:start':
        this.starts += 1;
        return { ok: true, uploadId: 'u1', chunkSize: CHUNK_SIZE, offset: this.received.length } as never;
      case 'upload:chunk': {
        const { offset, data } = payload as { offset: number; data: Uint8Array };
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        this.inFlight -= 1;
        if (!this.connected) return dropped as never;
        if (offset !== this.received.length) {
          return { ok: false, error: { code: ErrorCode.CHUNK_OFFSET, message: `expected ${this.received.length}` } } as never;
        }
        const next = new Uint8Array(this.received.length + data.length);
        next.set(this.received);
        next.set(data, this.received.length);
        this.received = next;
        this.chunkWrites += 1;
        if (this.chunkWrites === this.options.dropAfter) this.connected = false;
        return { ok: true, offset: this.received.length } as never;
      }
      case 'upload:finish':
        return { ok: true, song: SONG } as never;
      case 'upload:cancel':
        this.cancels += 1;
        return { ok: true } as never;
    }
    throw new Error(`unexpected ${event}`);
  };
}

describe('sendUpload', () => {
  it('sends every byte once, in order, with the window full, and reports progress to the end', async () => {
    const data = bytes(CHUNK_SIZE * 20 + 123);
    const server = new FakeServer();
    const progress: number[] = [];
    const song = await sendUpload(server, sourceOf(data), { window: 4, onProgress: (p) => progress.push(p.offset) });
    expect(song).toEqual(SONG);
    expect(server.received).toEqual(data);
    expect(server.chunkWrites).toBe(21);
    expect(server.maxInFlight).toBe(4);
    expect(progress.at(-1)).toBe(data.length);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('with window 1 never has two chunks in flight', async () => {
    const server = new FakeServer();
    await sendUpload(server, sourceOf(bytes(CHUNK_SIZE * 5)), { window: 1 });
    expect(server.maxInFlight).toBe(1);
  });

  it('resumes from the offset the server has after the connection drops, sending nothing twice', async () => {
    const data = bytes(CHUNK_SIZE * 12);
    const server = new FakeServer({ dropAfter: 5 });
    await sendUpload(server, sourceOf(data), { window: 3 });
    expect(server.received).toEqual(data);
    expect(server.chunkWrites).toBe(12);
    expect(server.starts).toBe(2);
  });

  it('gives up with the server error when it is not one a resume can fix', async () => {
    const server = new FakeServer();
    server.request = (async () => ({
      ok: false,
      error: { code: ErrorCode.NOT_ADMIN, message: 'Only the admin can upload.' },
    })) as never;
    await expect(sendUpload(server, sourceOf(bytes(10)))).rejects.toMatchObject({ code: ErrorCode.NOT_ADMIN });
  });

  it('gives up after maxRetries failures without progress', async () => {
    let calls = 0;
    const wire: UploadWire = {
      ready: async () => undefined,
      request: (async () => {
        calls += 1;
        return dropped;
      }) as never,
    };
    await expect(sendUpload(wire, sourceOf(bytes(10)), { maxRetries: 3 })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    expect(calls).toBe(4);
  });

  it('backs off after RATE_LIMITED instead of resending at once, and still delivers every byte once', async () => {
    const data = bytes(CHUNK_SIZE * 12);
    const server = new FakeServer();
    const chunk = server.request;
    // The server's budget runs dry after 4 chunks and refills 100 ms later.
    let refusals = 0;
    let limitedUntil = 0;
    server.request = (async (event: string, payload: never) => {
      if (event === 'upload:chunk') {
        if (server.chunkWrites === 4 && limitedUntil === 0) limitedUntil = Date.now() + 100;
        if (Date.now() < limitedUntil) {
          refusals += 1;
          return { ok: false, error: { code: ErrorCode.RATE_LIMITED, message: 'Slow down.' } };
        }
      }
      return chunk(event as never, payload);
    }) as never;
    await sendUpload(server, sourceOf(data), { window: 4 });
    expect(server.received).toEqual(data);
    // One window's worth refused, then a pause past the refill: resending at once
    // would have been refused every millisecond for 100 ms (and spent the strikes).
    expect(refusals).toBeGreaterThan(0);
    expect(refusals).toBeLessThanOrEqual(4);
  });

  it('doubles its back-off on refusals in a row, up to a cap', () => {
    expect(rateLimitedBackoff(1)).toBe(UPLOAD_RATE_LIMITED_BACKOFF_MS);
    expect(rateLimitedBackoff(2)).toBe(2 * UPLOAD_RATE_LIMITED_BACKOFF_MS);
    expect(rateLimitedBackoff(30)).toBe(UPLOAD_RATE_LIMITED_BACKOFF_MAX_MS);
  });

  it('cancels on the server when aborted mid-upload', async () => {
    const server = new FakeServer();
    const controller = new AbortController();
    const upload = sendUpload(server, sourceOf(bytes(CHUNK_SIZE * 50)), {
      window: 2,
      signal: controller.signal,
      onProgress: (p) => p.offset >= CHUNK_SIZE * 3 && controller.abort(),
    });
    await expect(upload).rejects.toBeInstanceOf(UploadFailed);
    await expect(upload).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(server.cancels).toBe(1);
    expect(server.chunkWrites).toBeLessThan(50);
  });

  it('names the file when it cannot be read', async () => {
    const source: UploadSource = { name: 'gone.flac', size: 10, read: () => Promise.reject(new Error('file was moved')) };
    await expect(sendUpload(new FakeServer(), source)).rejects.toMatchObject({
      code: 'UNREADABLE',
      message: '"gone.flac" could not be read: file was moved',
    });
  });
});
