import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable } from '@nestjs/common';
import * as z from 'zod';

import { AppConfig } from '../config/config.module.js';
import { readIfExists, writeFileAtomic } from '../store/atomic-file.js';

/** Media ids are the SHA-256 of the file's bytes, in lowercase hex. */
const MEDIA_ID = /^[0-9a-f]{64}$/;

export function isMediaId(id: string): boolean {
  return MEDIA_ID.test(id);
}

const MediaInfoSchema = z.object({
  mime: z.string().min(1),
  coverMime: z.string().min(1).nullable(),
});
type MediaInfo = z.infer<typeof MediaInfoSchema>;

export type MediaKind = 'audio' | 'cover';

/** A stored file, ready to serve. */
export interface MediaFile {
  readonly path: string;
  readonly size: number;
  readonly modified: Date;
  readonly mime: string;
}

export interface Cover {
  readonly data: Uint8Array;
  readonly mime: string;
}

/**
 * Content-addressed audio under DATA_DIR/media: `<id>` (the bytes), `<id>.cover`
 * (embedded art, if any) and `<id>.json` (their MIME types). Ids are the bytes'
 * hash, so a file name from a user never reaches the disk and a stored file never changes.
 */
@Injectable()
export class MediaStore {
  readonly dir: string;
  /** The tail of each id's queue of exclusive tasks. */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(config: AppConfig) {
    this.dir = join(config.DATA_DIR, 'media');
  }

  /**
   * Moves a checked temp file (same file system) into the store as `id`. If the
   * store already holds those bytes, the temp file is dropped instead.
   */
  async put(id: string, tempPath: string, mime: string, cover: Cover | null): Promise<void> {
    if (!isMediaId(id)) throw new Error(`not a media id: ${id}`);
    await mkdir(this.dir, { recursive: true });
    if (await this.find(id, 'audio')) {
      await rm(tempPath, { force: true });
      return;
    }
    if (cover) await writeFile(this.pathOf(id, 'cover'), cover.data);
    const info: MediaInfo = { mime, coverMime: cover?.mime ?? null };
    await writeFileAtomic(join(this.dir, `${id}.json`), JSON.stringify(info));
    // The audio goes last: its presence is what marks the entry complete.
    await rename(tempPath, this.pathOf(id, 'audio'));
  }

  /**
   * Runs `task` after every earlier exclusive task on `id` and before any later
   * one: storing a file and adding it to a room, or checking that no room lists
   * it and deleting it, never interleave. (One process; a cluster needs a shared lock.)
   */
  exclusive<T>(id: string, task: () => Promise<T>): Promise<T> {
    const run = (this.locks.get(id) ?? Promise.resolve()).then(task);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  /** Deletes a stored entry (audio first: without it the entry no longer counts as stored). */
  async remove(id: string): Promise<void> {
    if (!isMediaId(id)) return;
    await rm(this.pathOf(id, 'audio'), { force: true });
    await rm(this.pathOf(id, 'cover'), { force: true });
    await rm(join(this.dir, `${id}.json`), { force: true });
  }

  /** The stored file, or null for a malformed id or a missing file. Never looks outside the store. */
  async find(id: string, kind: MediaKind): Promise<MediaFile | null> {
    if (!isMediaId(id)) return null;
    const text = await readIfExists(join(this.dir, `${id}.json`));
    if (text === null) return null;
    const info = MediaInfoSchema.safeParse(safeJson(text));
    if (!info.success) return null;
    const mime = kind === 'audio' ? info.data.mime : info.data.coverMime;
    if (mime === null) return null;
    const path = this.pathOf(id, kind);
    try {
      const stats = await stat(path);
      return { path, size: stats.size, modified: stats.mtime, mime };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private pathOf(id: string, kind: MediaKind): string {
    return join(this.dir, kind === 'audio' ? id : `${id}.cover`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
