import { Service, computed, inject, signal } from '@angular/core';
import { cleanUploadName, sendUpload, UploadFailed, type UploadSource, type UploadWire } from '@musync/protocol';

import { SocketClient } from '../core/socket-client';
import { PeopleStore } from '../people/people-store';
import { injectRoomReady } from './room-ready';
import { TransferRate } from './transfer-rate';

/**
 * Files sent at the same time. One upload already keeps UPLOAD_WINDOW chunks in
 * flight, which fills the link by itself: more files side by side would split
 * the same bandwidth, so every one of them would reach the playlist later. Two
 * rather than one, so the server's work at finish (sniffing, tags, moving the
 * file) overlaps the next file's bytes. Queuing the rest also keeps a drop of
 * many files under the room's MAX_UPLOADS_PER_ROOM unfinished uploads.
 */
const PARALLEL_UPLOADS = 2;

export type UploadStatus = 'queued' | 'uploading' | 'waiting' | 'done' | 'failed' | 'cancelled';

export interface UploadJob {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  /** Bytes the server has acknowledged. */
  readonly sentBytes: number;
  /** `waiting`: the connection dropped; the upload resumes once back in the room. */
  readonly status: UploadStatus;
  /** Why it failed, naming the file. */
  readonly error: string | null;
  /** Over the last few seconds; null until measured, and while waiting. */
  readonly bytesPerSecond: number | null;
  readonly secondsLeft: number | null;
  /** The playlist song a finished upload became. */
  readonly songId: string | null;
}

/** The current batch: every file added since the list last had nothing in progress, less the failed and cancelled. */
interface UploadTotals {
  readonly sentBytes: number;
  readonly size: number;
  readonly bytesPerSecond: number | null;
  readonly secondsLeft: number | null;
}

const ACTIVE_STATUSES: ReadonlySet<UploadStatus> = new Set(['queued', 'uploading', 'waiting']);

export function isActive(job: UploadJob): boolean {
  return ACTIVE_STATUSES.has(job.status);
}

interface Run {
  readonly abort: AbortController;
  readonly rate: TransferRate;
}

/**
 * The admin's uploads: a queue of picked files sent a few at a time with the
 * chunk protocol, each with its progress, speed and outcome. A finished file
 * reaches every playlist through the server's playlist:updated broadcast.
 */
@Service()
export class UploadStore {
  private readonly socket = inject(SocketClient);
  private readonly roomReady = injectRoomReady();
  private readonly _jobs = signal<readonly UploadJob[]>([]);
  private readonly batch = signal<ReadonlySet<string>>(new Set());
  /** Files not started yet, oldest first. */
  private readonly queued = new Map<string, File>();
  private readonly running = new Map<string, Run>();
  private nextId = 1;

  readonly jobs = this._jobs.asReadonly();
  /** Only the admin uploads; the server checks it too. */
  readonly canUpload = inject(PeopleStore).isMeAdmin;
  readonly hasFinished = computed(() => this._jobs().some((job) => !isActive(job)));
  /** Null when the batch has nothing left to count. */
  readonly overall = computed<UploadTotals | null>(() => {
    const batch = this.batch();
    const counted = this._jobs().filter((job) => batch.has(job.id) && job.status !== 'failed' && job.status !== 'cancelled');
    if (counted.length === 0) return null;
    const size = sum(counted.map((job) => job.size));
    const sentBytes = sum(counted.map((job) => job.sentBytes));
    const rates = counted.flatMap((job) => (job.status === 'uploading' && job.bytesPerSecond !== null ? [job.bytesPerSecond] : []));
    const bytesPerSecond = rates.length > 0 ? sum(rates) : null;
    return { sentBytes, size, bytesPerSecond, secondsLeft: secondsLeft(size - sentBytes, bytesPerSecond) };
  });

  add(files: readonly File[]): void {
    if (!this.canUpload() || files.length === 0) return;
    const added = files.map((file) => this.createJob(file));
    const fresh = !this._jobs().some(isActive);
    const ids = added.map((job) => job.id);
    this.batch.update((batch) => new Set(fresh ? ids : [...batch, ...ids]));
    this._jobs.update((jobs) => [...jobs, ...added]);
    this.pump();
  }

  cancel(id: string): void {
    const run = this.running.get(id);
    // The sender stops and tells the server; a queued file never reached it.
    run?.abort.abort();
    this.queued.delete(id);
    this.updateActive(id, { status: 'cancelled', bytesPerSecond: null, secondsLeft: null });
  }

  /** Takes a finished job (done, failed or cancelled) off the list. */
  dismiss(id: string): void {
    this.removeJobs((job) => job.id === id && !isActive(job));
  }

  clearFinished(): void {
    this.removeJobs((job) => !isActive(job));
  }

  private createJob(file: File): UploadJob {
    const id = `upload-${this.nextId++}`;
    const job: UploadJob = {
      id,
      name: file.name,
      size: file.size,
      sentBytes: 0,
      status: 'queued',
      error: null,
      bytesPerSecond: null,
      secondsLeft: null,
      songId: null,
    };
    // The server refuses an empty file too, but only after a round trip; the type is
    // left to it: it sniffs the bytes, so nothing is skipped by its extension here.
    if (file.size === 0) return { ...job, status: 'failed', error: `"${file.name}" is empty (0 bytes): there is nothing to upload.` };
    this.queued.set(id, file);
    return job;
  }

  private pump(): void {
    for (const [id, file] of this.queued) {
      if (this.running.size >= PARALLEL_UPLOADS) return;
      this.queued.delete(id);
      this.start(id, file);
    }
  }

  private start(id: string, file: File): void {
    const run: Run = { abort: new AbortController(), rate: new TransferRate() };
    this.running.set(id, run);
    this.updateActive(id, { status: 'uploading' });
    const wire: UploadWire = {
      request: (event, payload) => this.socket.request(event, payload),
      ready: () => this.whenBackInRoom(id, run),
    };
    sendUpload(wire, fileSource(file), {
      signal: run.abort.signal,
      onProgress: ({ offset, size }) => {
        run.rate.add(performance.now(), offset);
        const rate = run.rate.bytesPerSecond();
        this.updateActive(id, { sentBytes: offset, bytesPerSecond: rate, secondsLeft: secondsLeft(size - offset, rate) });
      },
    })
      .then(
        // Even after a late cancel: the song is in the playlist now, so the job says so.
        (song) =>
          this.update(id, { status: 'done', songId: song.id, sentBytes: file.size, error: null, bytesPerSecond: null, secondsLeft: null }),
        (error: unknown) => {
          if (!(error instanceof UploadFailed && error.code === 'CANCELLED')) {
            this.updateActive(id, { status: 'failed', error: failureMessage(file.name, error), bytesPerSecond: null, secondsLeft: null });
          }
        },
      )
      .finally(() => {
        this.running.delete(id);
        this.pump();
      });
  }

  /** The sender waits here after a failure it can ride out; the job shows it is waiting. */
  private async whenBackInRoom(id: string, run: Run): Promise<void> {
    run.rate.reset();
    this.updateActive(id, { status: 'waiting', bytesPerSecond: null, secondsLeft: null });
    await this.roomReady();
    this.updateActive(id, { status: 'uploading' });
  }

  private update(id: string, change: Partial<UploadJob>): void {
    this._jobs.update((jobs) => jobs.map((job) => (job.id === id ? { ...job, ...change } : job)));
  }

  /** Changes a job still in progress; a finished one keeps its outcome. */
  private updateActive(id: string, change: Partial<UploadJob>): void {
    this._jobs.update((jobs) => jobs.map((job) => (job.id === id && isActive(job) ? { ...job, ...change } : job)));
  }

  private removeJobs(remove: (job: UploadJob) => boolean): void {
    const gone = new Set(this._jobs().filter(remove).map((job) => job.id));
    if (gone.size === 0) return;
    this._jobs.update((jobs) => jobs.filter((job) => !gone.has(job.id)));
    this.batch.update((batch) => new Set([...batch].filter((id) => !gone.has(id))));
  }
}

/**
 * A picked file as the sender reads it: a chunk at a time, never whole in memory.
 * No sha256: the browser can only hash a whole buffer (SubtleCrypto has no
 * streaming digest), so a multi-GB file would be read in full, and held, before
 * its first byte went out. The server hashes what it receives instead.
 */
function fileSource(file: File): UploadSource {
  return {
    name: file.name,
    size: file.size,
    type: file.type,
    read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()),
  };
}

/** The job's message, naming the file: the server's messages do (by its cleaned name), the transport's do not. */
function failureMessage(name: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.includes(cleanUploadName(name)) ? message : `"${name}": ${message}`;
}

function secondsLeft(bytes: number, bytesPerSecond: number | null): number | null {
  return bytesPerSecond ? bytes / bytesPerSecond : null;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
