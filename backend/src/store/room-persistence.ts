import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger } from '@nestjs/common';
import { SkipThresholdSchema, SongSchema, type ChatLine, type Song, type SongRequest } from '@musync/protocol';
import * as z from 'zod';

import { AppConfig } from '../config/config.module.js';
import type { SettingsState } from '../room/room.state.js';
import type { SealedSecret } from '../room/secret.js';
import { readIfExists, writeFileAtomic } from './atomic-file.js';

/**
 * The part of a room that outlives the process: its songs, their order, its
 * settings, where playback was, the kept chat and the requests. People and
 * votes to skip are not persisted (people reconnect; a vote is for a song
 * playing now, and a restarted room comes back paused).
 */
export interface PersistedRoom {
  readonly format: 2;
  readonly playlist: readonly Song[];
  readonly settings: SettingsState;
  /** The passcode joiners must give, as a salted SHA-256 (never the passcode itself). */
  readonly passcode: SealedSecret | null;
  readonly playback: { readonly songId: string | null; readonly position: number };
  readonly chat: readonly ChatLine[];
  /** The number of the last chat line, so ids go on counting after a restart. */
  readonly lineSeq: number;
  readonly requests: readonly SongRequest[];
}

const Text = z.string();
const NoticeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('joined'), name: Text }),
  z.object({ type: z.literal('left'), name: Text }),
  z.object({ type: z.literal('admin'), name: Text }),
  z.object({ type: z.literal('song-added'), title: Text }),
  z.object({ type: z.literal('song-removed'), title: Text }),
  z.object({ type: z.literal('skipped'), title: Text, votes: z.number().int() }),
  z.object({ type: z.literal('request-approved'), title: Text, note: Text.nullable() }),
  z.object({ type: z.literal('request-rejected'), title: Text, reason: Text.nullable() }),
  z.object({ type: z.literal('request-fulfilled'), title: Text }),
]);
const LineBase = { id: Text, at: z.number() };
const ChatLineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('message'), ...LineBase, personId: Text, name: Text, admin: z.boolean(), text: Text }),
  z.object({ kind: z.literal('notice'), ...LineBase, notice: NoticeSchema }),
]);
const SongRequestSchema = z.object({
  id: Text,
  title: Text,
  artist: Text.nullable(),
  note: Text.nullable(),
  requesterId: Text,
  requester: Text,
  at: z.number(),
  status: z.enum(['pending', 'approved', 'rejected', 'fulfilled', 'withdrawn']),
  voterIds: z.array(Text),
  answer: Text.nullable(),
  decidedAt: z.number().nullable(),
  songId: Text.nullable(),
});
const Control = z.enum(['everyone', 'admin']);
const DEFAULT_OWN_COPY_SETTINGS = { addSongs: 'admin', waitForCopies: false } as const;
const PlaybackPoint = z.object({ songId: z.string().nullable(), position: z.number().finite().nonnegative() });

const PersistedRoomSchema = z.discriminatedUnion('format', [
  // Format 1 (before chat and requests): read with an empty chat, no requests, the default threshold.
  z
    .object({
      format: z.literal(1),
      playlist: z.array(SongSchema),
      settings: z.object({ control: Control }),
      playback: PlaybackPoint,
    })
    .transform(
      (v1): PersistedRoom => ({
        ...v1,
        format: 2,
        settings: { ...DEFAULT_OWN_COPY_SETTINGS, control: v1.settings.control, skipThreshold: 'majority' },
        passcode: null,
        chat: [],
        lineSeq: 0,
        requests: [],
      }),
    ),
  z.object({
    format: z.literal(2),
    playlist: z.array(SongSchema),
    // Own-copy settings came later within format 2: a file without them gets the defaults.
    settings: z.object({
      control: Control,
      skipThreshold: SkipThresholdSchema,
      addSongs: Control.default(DEFAULT_OWN_COPY_SETTINGS.addSongs),
      waitForCopies: z.boolean().default(DEFAULT_OWN_COPY_SETTINGS.waitForCopies),
    }),
    // Passcodes came later within format 2: a file without one has none.
    passcode: z
      .object({ salt: z.string().regex(/^[0-9a-f]{32}$/), digest: z.string().regex(/^[0-9a-f]{64}$/) })
      .nullable()
      .default(null),
    playback: PlaybackPoint,
    chat: z.array(ChatLineSchema),
    lineSeq: z.number().int().nonnegative(),
    requests: z.array(SongRequestSchema),
  }),
]);

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
