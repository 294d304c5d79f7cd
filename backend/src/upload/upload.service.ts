import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, statfs, truncate, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import {
  CHUNK_SIZE,
  ErrorCode,
  MAX_UPLOADS_PER_ROOM,
  type Song,
  type UploadChunkRequest,
  type UploadChunkResult,
  type UploadStartResult,
  type UploadStatusResult,
  type UploadStartSchema,
} from '@musync/protocol';
import { parseFile, selectCover } from 'music-metadata';
import type * as z from 'zod';

import { DomainError } from '../common/domain-error.js';
import { AppConfig } from '../config/config.module.js';
import { MediaStore } from '../media/media.store.js';
import { RoomService } from '../room/room.service.js';
import { requireAdmin } from '../room/room.state.js';
import { RoomStore } from '../room/room.store.js';
import { ChunkWriter } from './chunk-writer.js';
import { SNIFF_BYTES, sniffAudio } from './sniff.js';
import { UploadRecords, type UploadRecord } from './upload.records.js';

type UploadStart = z.output<typeof UploadStartSchema>;

/** Song text fields are capped by the protocol's SongSchema. */
const TAG_MAX_LENGTH = 500;
/** How often (in bytes written by one upload) the free disk space is read again. */
const DISK_CHECK_BYTES = 4 * 1024 * 1024;

/** An unfinished upload in this process. Every file operation on it runs through `queue`, one at a time. */
interface Upload {
  readonly record: UploadRecord;
  /** Bytes taken, in order, and hashed; the writer puts them on disk a little later. */
  accepted: number;
  /** Appends the taken chunks to the temp file; `writer.written` is what is on disk. */
  readonly writer: ChunkWriter;
  /** Last activity (ms since epoch); the sweep expires uploads idle for UPLOAD_TTL_MS. */
  touchedAt: number;
  file: FileHandle | null;
  /** SHA-256 of bytes [0, accepted), fed as chunks arrive; rebuilt from the file after a restart. */
  hash: Hash | null;
  queue: Promise<unknown>;
  gone: boolean;
  /** Free disk bytes at the last statfs and what this upload has written since; null: ask the disk. */
  diskCheck: { free: number; writtenSince: number } | null;
}

/** Who is asking: the socket's room and member (the gateway takes them from the session). */
export interface Uploader {
  readonly roomId: string;
  readonly memberId: string;
}

/**
 * Chunked uploads: each chunk is appended to a temp file in order (one open
 * file, positional writes, hashed as it arrives, so no file is ever held in
 * memory); on finish the file is checked, sniffed and tagged, moved into the
 * media store under its content hash and appended to the room's playlist.
 * Uploads belong to a room and only its current admin may touch them.
 */
@Injectable()
export class UploadService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(UploadService.name);
  private readonly records: UploadRecords;
  private readonly uploads = new Map<string, Upload>();
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly rooms: RoomService,
    private readonly roomStore: RoomStore,
    private readonly media: MediaStore,
  ) {
    this.records = new UploadRecords(join(config.DATA_DIR, 'uploads'));
  }

  /** Picks up the uploads a previous run left unfinished, trusting each temp file's length. */
  async onModuleInit(): Promise<void> {
    await this.adopt(await this.records.loadAll());
    const every = Math.min(60_000, Math.max(50, Math.floor(this.config.UPLOAD_TTL_MS / 2)));
    this.sweeper = setInterval(() => this.sweep(), every);
    this.sweeper.unref();
    this.sweep();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.all(
      [...this.uploads.values()].map((upload) => this.enqueue(upload, () => this.closeFile(upload)).catch(() => undefined)),
    );
  }

  async start(who: Uploader, request: UploadStart): Promise<UploadStartResult> {
    await this.requireAdmin(who);
    const max = this.config.MAX_UPLOAD_BYTES;
    if (max > 0 && request.size > max) {
      throw new DomainError(ErrorCode.UPLOAD_TOO_LARGE, `The file is larger than this server accepts (${max} bytes).`);
    }
    const sha256 = request.sha256 ?? null;
    // Scaled mode: the upload may have been started through another node on the shared DATA_DIR.
    await this.adopt(await this.records.loadAll({ tidy: false }));
    const inRoom = [...this.uploads.values()].filter((u) => u.record.roomId === who.roomId);
    const same = inRoom.find(
      (u) => u.record.name === request.name && u.record.size === request.size && u.record.sha256 === sha256,
    );
    if (same) {
      same.touchedAt = Date.now();
      // The offset once every operation already queued on it has landed on disk.
      return this.enqueue(same, async () => ({ uploadId: same.record.id, chunkSize: CHUNK_SIZE, offset: await this.onDisk(same) }));
    }
    if (inRoom.length >= MAX_UPLOADS_PER_ROOM) {
      throw new DomainError(
        ErrorCode.TOO_MANY_UPLOADS,
        `This room already has ${MAX_UPLOADS_PER_ROOM} unfinished uploads; finish or cancel one first.`,
      );
    }
    const record: UploadRecord = {
      format: 1,
      id: randomUUID(),
      roomId: who.roomId,
      name: request.name,
      size: request.size,
      type: request.type ?? null,
      sha256,
    };
    const upload = this.newUpload(record, 0, Date.now());
    upload.hash = createHash('sha256');
    this.uploads.set(record.id, upload);
    // Through the queue, so a chunk or a resumed start can never reach the file before it exists.
    await this.enqueue(upload, async () => {
      try {
        upload.file = await open(this.records.partPath(record.id), 'wx+');
        await this.records.save(record);
      } catch (error) {
        await this.discard(upload);
        throw error;
      }
    });
    return { uploadId: record.id, chunkSize: CHUNK_SIZE, offset: 0 };
  }

  async chunk(who: Uploader, request: UploadChunkRequest): Promise<UploadChunkResult> {
    const upload = this.find(who, request.uploadId);
    const bytes = asBuffer(request.data);
    // Queued before any await, so chunks are taken in the order they arrived. The write
    // is awaited outside the queue: the next chunk is taken while this one goes to disk.
    const taken = await this.enqueue(upload, async () => {
      await this.requireAdmin(who);
      const { offset } = request;
      if (offset < upload.accepted && offset + bytes.length <= upload.accepted) {
        // A resent chunk (its ack was lost): fine if it is exactly what we have, never written twice.
        if (await this.holds(upload, offset, bytes)) return { written: Promise.resolve() };
      }
      if (offset !== upload.accepted) {
        throw new DomainError(ErrorCode.CHUNK_OFFSET, `Expected the chunk at offset ${upload.accepted}, got ${offset}.`);
      }
      if (offset + bytes.length > upload.record.size) {
        await this.discard(upload);
        throw new DomainError(
          ErrorCode.UPLOAD_SIZE_MISMATCH,
          `The chunks add up to more than the declared ${upload.record.size} bytes; the upload was discarded.`,
        );
      }
      await this.requireDiskSpace(upload, bytes.length);
      (await this.hashOf(upload)).update(bytes);
      upload.accepted += bytes.length;
      upload.touchedAt = Date.now();
      return { written: upload.writer.append(bytes) };
    });
    try {
      await taken.written;
    } catch (error) {
      // What the file holds past the last good write is unknown: this upload cannot go on.
      await this.enqueue(upload, () => this.discard(upload)).catch(() => undefined);
      this.logger.error(`upload ${upload.record.id}: writing a chunk failed; the upload was discarded`, error);
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        throw new DomainError(ErrorCode.DISK_FULL, 'The server is out of disk space; the upload was discarded.');
      }
      throw error;
    }
    return { offset: upload.writer.written };
  }

  async status(who: Uploader, uploadId: string): Promise<UploadStatusResult> {
    const upload = this.find(who, uploadId);
    return this.enqueue(upload, async () => {
      await this.requireAdmin(who);
      upload.touchedAt = Date.now();
      return { offset: await this.onDisk(upload), size: upload.record.size };
    });
  }

  async cancel(who: Uploader, uploadId: string): Promise<void> {
    const upload = this.find(who, uploadId);
    await this.enqueue(upload, async () => {
      await this.requireAdmin(who);
      await this.discard(upload);
    });
  }

  async finish(who: Uploader, uploadId: string): Promise<Song> {
    const upload = this.find(who, uploadId);
    return this.enqueue(upload, async () => {
      await this.requireAdmin(who);
      const { record } = upload;
      const onDisk = await this.onDisk(upload);
      if (onDisk < record.size) {
        throw new DomainError(
          ErrorCode.UPLOAD_INCOMPLETE,
          `The server has ${onDisk} of ${record.size} bytes; send the rest from offset ${onDisk}.`,
        );
      }
      // From here the bytes are complete: whatever the verdict, this upload is over.
      const digest = (await this.hashOf(upload)).digest('hex');
      await this.closeFile(upload);
      try {
        // Stored and listed under the media lock, so a removal elsewhere cannot delete
        // the file between the two (it would see the song listed, or run after).
        return await this.media.exclusive(digest, async () => {
          const song = await this.store(upload, digest);
          await this.records.remove(record.id);
          this.forget(upload);
          await this.rooms.run(record.roomId, { type: 'playlist:add', song }, 'system');
          return song;
        });
      } catch (error) {
        await this.discard(upload);
        throw error;
      }
    });
  }

  /** Checks the complete temp file, reads its tags and moves it into the media store. */
  private async store(upload: Upload, digest: string): Promise<Song> {
    const { record } = upload;
    if (record.sha256 !== null && record.sha256 !== digest) {
      throw new DomainError(ErrorCode.UPLOAD_HASH_MISMATCH, 'The file does not match its sha256; the upload was discarded.');
    }
    const path = this.records.partPath(record.id);
    const format = sniffAudio(await readHead(path));
    if (!format) {
      throw new DomainError(ErrorCode.UNSUPPORTED_FORMAT, `"${record.name}" is not an audio file this server can play.`);
    }
    const metadata = await parseFile(path, { duration: true }).catch((error: unknown) => {
      throw new DomainError(ErrorCode.UNSUPPORTED_FORMAT, `"${record.name}" could not be read as audio (${errorText(error)}).`);
    });
    const duration = metadata.format.duration;
    if (duration === undefined || !Number.isFinite(duration) || duration <= 0) {
      throw new DomainError(ErrorCode.UNSUPPORTED_FORMAT, `"${record.name}" has no readable duration.`);
    }
    const picture = selectCover(metadata.common.picture);
    const cover = picture ? { data: picture.data, mime: picture.format || 'image/jpeg' } : null;
    await this.media.put(digest, path, format.mime, cover);
    return {
      id: digest,
      title: tag(metadata.common.title) ?? tag(withoutExtension(record.name)) ?? 'Untitled',
      artist: tag(metadata.common.artist),
      album: tag(metadata.common.album),
      duration,
      url: `/api/media/${digest}`,
      coverUrl: cover ? `/api/media/${digest}/cover` : null,
    };
  }

  /** Takes over the unfinished uploads on disk this process does not hold yet, trusting each temp file's length. */
  private async adopt(records: readonly UploadRecord[]): Promise<void> {
    for (const record of records) {
      if (this.uploads.has(record.id)) continue;
      const part = this.records.partPath(record.id);
      const stats = await stat(part).catch(() => null);
      if (!stats) {
        // The part is written before the record and removed before it: a record alone is an upload ending.
        await this.records.remove(record.id);
        continue;
      }
      if (this.uploads.has(record.id)) continue; // adopted by a concurrent call meanwhile
      if (stats.size > record.size) await truncate(part, record.size);
      this.uploads.set(record.id, this.newUpload(record, Math.min(stats.size, record.size), stats.mtimeMs));
    }
  }

  private find(who: Uploader, uploadId: string): Upload {
    const upload = this.uploads.get(uploadId);
    // Another room's upload is reported exactly like a missing one.
    if (!upload || upload.gone || upload.record.roomId !== who.roomId) {
      throw new DomainError(ErrorCode.UPLOAD_NOT_FOUND, 'No such upload in this room (it may have expired).');
    }
    return upload;
  }

  private async requireAdmin(who: Uploader): Promise<void> {
    const state = await this.roomStore.get(who.roomId);
    if (!state) throw new DomainError(ErrorCode.NOT_JOINED, 'You are not in this room.');
    requireAdmin(state, { memberId: who.memberId }, 'upload songs');
  }

  /**
   * Refuses a write that would bring the data disk's free space under DISK_RESERVE_BYTES.
   * The disk is asked once per DISK_CHECK_BYTES written (not per 64 KiB chunk); in
   * between, this upload's own writes are subtracted. Other uploads' writes in that
   * span (at most 20 × 4 MiB) are well inside the reserve.
   */
  private async requireDiskSpace(upload: Upload, bytes: number): Promise<void> {
    if (!upload.diskCheck || upload.diskCheck.writtenSince >= DISK_CHECK_BYTES) {
      const disk = await statfs(this.records.dir);
      upload.diskCheck = { free: disk.bavail * disk.bsize, writtenSince: 0 };
    }
    const free = upload.diskCheck.free - upload.diskCheck.writtenSince;
    upload.diskCheck.writtenSince += bytes;
    if (free - bytes < this.config.DISK_RESERVE_BYTES) {
      await this.discard(upload);
      this.logger.warn(`disk reserve reached (${free} bytes free); upload ${upload.record.id} discarded`);
      throw new DomainError(ErrorCode.DISK_FULL, 'The server is out of disk space; the upload was discarded.');
    }
  }

  private newUpload(record: UploadRecord, onDisk: number, touchedAt: number): Upload {
    const upload: Upload = {
      record,
      accepted: onDisk,
      writer: new ChunkWriter(() => this.fileOf(upload), onDisk),
      touchedAt,
      diskCheck: null,
      file: null,
      hash: null,
      queue: Promise.resolve(),
      gone: false,
    };
    return upload;
  }

  /** The bytes on disk once every chunk taken so far is written. */
  private async onDisk(upload: Upload): Promise<number> {
    await upload.writer.settle();
    return upload.writer.written;
  }

  /** Whether the temp file holds exactly `bytes` at `offset`. */
  private async holds(upload: Upload, offset: number, bytes: Buffer): Promise<boolean> {
    await upload.writer.settle();
    const file = await this.fileOf(upload);
    const existing = Buffer.alloc(bytes.length);
    const { bytesRead } = await file.read(existing, 0, bytes.length, offset);
    return bytesRead === bytes.length && existing.equals(bytes);
  }

  private async fileOf(upload: Upload): Promise<FileHandle> {
    upload.file ??= await open(this.records.partPath(upload.record.id), 'r+');
    return upload.file;
  }

  private async hashOf(upload: Upload): Promise<Hash> {
    if (upload.hash) return upload.hash;
    // After a restart: hash what the file already holds, streaming.
    const hash = createHash('sha256');
    // Only after a restart, before a new chunk is taken: nothing is waiting to be written then.
    if (upload.accepted > 0) {
      for await (const piece of createReadStream(this.records.partPath(upload.record.id), { end: upload.accepted - 1 })) {
        hash.update(piece as Buffer);
      }
    }
    upload.hash = hash;
    return hash;
  }

  private async closeFile(upload: Upload): Promise<void> {
    await upload.writer.settle();
    const file = upload.file;
    upload.file = null;
    await file?.close();
  }

  private forget(upload: Upload): void {
    upload.gone = true;
    this.uploads.delete(upload.record.id);
  }

  /** Drops an upload and its temp file. */
  private async discard(upload: Upload): Promise<void> {
    this.forget(upload);
    await this.closeFile(upload).catch(() => undefined);
    await this.records.remove(upload.record.id);
  }

  /** Runs `task` after every earlier operation on the upload; refuses if the upload ended meanwhile. */
  private enqueue<T>(upload: Upload, task: () => Promise<T>): Promise<T> {
    const run = upload.queue.then(() => {
      if (upload.gone) throw new DomainError(ErrorCode.UPLOAD_NOT_FOUND, 'That upload has ended.');
      return task();
    });
    upload.queue = run.catch(() => undefined);
    return run;
  }

  private sweep(): void {
    const now = Date.now();
    for (const upload of this.uploads.values()) {
      if (now - upload.touchedAt < this.config.UPLOAD_TTL_MS) continue;
      this.enqueue(upload, async () => {
        // On a shared DATA_DIR another node may be the one writing it: the file's mtime is the truth.
        const written = (await stat(this.records.partPath(upload.record.id)).catch(() => null))?.mtimeMs ?? 0;
        upload.touchedAt = Math.max(upload.touchedAt, written);
        if (Date.now() - upload.touchedAt < this.config.UPLOAD_TTL_MS) return;
        await this.discard(upload);
        this.logger.log(`upload ${upload.record.id} expired after ${this.config.UPLOAD_TTL_MS} ms idle`);
      }).catch((error: unknown) => this.logger.error(`expiring upload ${upload.record.id} failed`, error));
    }
  }
}

function asBuffer(data: Uint8Array | ArrayBuffer): Buffer {
  return data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

async function readHead(path: string): Promise<Uint8Array> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await file.read(head, 0, SNIFF_BYTES, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function withoutExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** A tag as a song field: trimmed, capped, null when empty. */
function tag(value: string | undefined): string | null {
  const text = value?.trim().slice(0, TAG_MAX_LENGTH);
  return text ? text : null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
