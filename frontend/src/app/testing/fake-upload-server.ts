import type { ErrorInfo } from '@musync/protocol';

import type { FakeSocket } from './fake-socket';
import { song } from './joined-room';

interface ServerUpload {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  bytes: Uint8Array;
}

/**
 * The server's side of the upload commands on a FakeSocket, so specs run the real
 * sender: uploads kept in memory, chunks written only at the next expected offset,
 * `upload:start` of an unfinished file (same name and size) answered with the
 * bytes already written. With `holdChunks`, chunks wait for `releaseChunks()`,
 * so a spec can look at a job halfway and drop the connection under it.
 */
export class FakeUploadServer {
  /** Small, so a few bytes make several chunks. */
  readonly chunkSize = 4;
  holdChunks = false;
  readonly cancelled: string[] = [];
  /** The bytes of every upload that finished well, by file name. */
  readonly finished = new Map<string, Uint8Array>();
  private readonly uploads = new Map<string, ServerUpload>();
  private readonly refusals = new Map<string, ErrorInfo>();
  private readonly held: { readonly name: string; readonly write: () => void }[] = [];
  private nextId = 1;

  constructor(socket: FakeSocket) {
    socket.answer('upload:start', ({ name, size }, ack) => {
      const upload = [...this.uploads.values()].find((u) => u.name === name && u.size === size) ?? this.create(name, size);
      ack({ ok: true, uploadId: upload.id, chunkSize: this.chunkSize, offset: upload.bytes.length });
    });
    socket.answer('upload:chunk', ({ uploadId, offset, data }, ack) => {
      const write = (): void => {
        const upload = this.uploads.get(uploadId);
        if (!upload) return ack({ ok: false, error: { code: 'UPLOAD_NOT_FOUND', message: 'No such upload.' } });
        if (offset !== upload.bytes.length) {
          return ack({ ok: false, error: { code: 'CHUNK_OFFSET', message: `Expected offset ${upload.bytes.length}.` } });
        }
        const chunk = data instanceof Uint8Array ? data : new Uint8Array(data);
        const bytes = new Uint8Array(upload.bytes.length + chunk.length);
        bytes.set(upload.bytes);
        bytes.set(chunk, upload.bytes.length);
        upload.bytes = bytes;
        ack({ ok: true, offset: bytes.length });
      };
      if (this.holdChunks) this.held.push({ name: this.uploads.get(uploadId)?.name ?? '', write });
      else write();
    });
    socket.answer('upload:finish', ({ uploadId }, ack) => {
      const upload = this.uploads.get(uploadId);
      if (!upload) return ack({ ok: false, error: { code: 'UPLOAD_NOT_FOUND', message: 'No such upload.' } });
      const refusal = this.refusals.get(upload.name);
      this.uploads.delete(uploadId);
      if (refusal) return ack({ ok: false, error: refusal });
      this.finished.set(upload.name, upload.bytes);
      ack({ ok: true, song: song(upload.name, { title: upload.name }) });
    });
    socket.answer('upload:cancel', ({ uploadId }, ack) => {
      this.cancelled.push(uploadId);
      this.uploads.delete(uploadId);
      ack({ ok: true });
    });
  }

  /** Finish refuses this file, as the server does with a file that is not audio. */
  refuseAtFinish(name: string, error: ErrorInfo): void {
    this.refusals.set(name, error);
  }

  /**
   * Writes up to `count` held chunks (of the file `name`, or of any) in the order
   * they came, and acks them. After a dropped connection the acks are lost, but
   * the bytes stay written, as on a real server.
   */
  releaseChunks(count = Number.POSITIVE_INFINITY, name?: string): void {
    for (let i = 0; i < count; i++) {
      const index = this.held.findIndex((chunk) => name === undefined || chunk.name === name);
      if (index < 0) return;
      const [chunk] = this.held.splice(index, 1);
      chunk?.write();
    }
  }

  /** The bytes the server has of the unfinished upload of `name`. */
  received(name: string): Uint8Array | undefined {
    return [...this.uploads.values()].find((u) => u.name === name)?.bytes;
  }

  private create(name: string, size: number): ServerUpload {
    // A v4-shaped uuid, as the protocol's schema expects of upload ids.
    const id = `00000000-0000-4000-8000-${String(this.nextId++).padStart(12, '0')}`;
    const upload: ServerUpload = { id, name, size, bytes: new Uint8Array(0) };
    this.uploads.set(id, upload);
    return upload;
  }
}
