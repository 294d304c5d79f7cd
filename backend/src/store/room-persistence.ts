import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger } from '@nestjs/common';
import { SongSchema, type Song } from '@musync/protocol';
import * as z from 'zod';

import { AppConfig } from '../config/config.module.js';
import { readIfExists, writeFileAtomic } from './atomic-file.js';

/**
 * The part of a room that outlives the process: its songs, their order, its
 * settings and where playback was. People are not persisted (they reconnect).
 */
const PersistedRoomSchema = z.object({
  format: z.literal(1),
  playlist: z.array(SongSchema),
  settings: z.object({ control: z.enum(['everyone', 'admin']) }),
  playback: z.object({ songId: z.string().nullable(), position: z.number().finite().nonnegative() }),
});
export type PersistedRoom = Readonly<Omit<z.infer<typeof PersistedRoomSchema>, 'playlist'>> & {
  readonly playlist: readonly Song[];
};

/** Where room state is kept between runs. */
export abstract class RoomPersistence {
  abstract load(roomId: string): Promise<PersistedRoom | null>;
  abstract save(roomId: string, room: PersistedRoom): Promise<void>;
  /** The ids of every room kept. */
  abstract list(): Promise<string[]>;
}

const ROOM_FILE = /^([A-Za-z0-9_-]+)\.json$/;

/** One JSON file per room under DATA_DIR/rooms, replaced atomically on every save. */
@Injectable()
export class FileRoomPersistence extends RoomPersistence {
  private readonly logger = new Logger(FileRoomPersistence.name);
  private readonly dir: string;
  private ready: Promise<unknown> | null = null;

  constructor(config: AppConfig) {
    super();
    this.dir = join(config.DATA_DIR, 'rooms');
  }

  async load(roomId: string): Promise<PersistedRoom | null> {
    const path = this.pathOf(roomId);
    const text = await readIfExists(path);
    if (text === null) return null;
    const parsed = PersistedRoomSchema.safeParse(safeJson(text));
    if (parsed.success) return parsed.data;
    // Atomic writes never tear a file; one that does not parse was edited or damaged
    // by hand. Keep it for inspection and start the room afresh rather than refuse to run.
    const aside = `${path}.unreadable-${Date.now()}`;
    await rename(path, aside);
    this.logger.error(`room ${roomId}: state file unreadable, moved to ${aside}`);
    return null;
  }

  async save(roomId: string, room: PersistedRoom): Promise<void> {
    this.ready ??= mkdir(this.dir, { recursive: true });
    await this.ready;
    await writeFileAtomic(this.pathOf(roomId), JSON.stringify(room));
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return names.flatMap((name) => ROOM_FILE.exec(name)?.[1] ?? []);
  }

  /** Room ids are validated at the edge (letters, digits, - and _), so they are safe file names. */
  private pathOf(roomId: string): string {
    return join(this.dir, `${roomId}.json`);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
