import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';

import { Injectable, Logger } from '@nestjs/common';
import { positionAt, SkipThresholdSchema, SongSchema, type ChatLine, type Song, type SongRequest } from '@musync/protocol';
import * as z from 'zod';

import { AppConfig } from '../config/config.module.js';
import { mergeLines } from '../room/chat.rules.js';
import { emptyRoom, type RoomState, type SettingsState } from '../room/room.state.js';
import type { SealedSecret } from '../room/secret.js';
import { readIfExists, writeFileAtomic } from './atomic-file.js';
import { journalDirOf, replayJournal } from './chat-journal.js';
import { ChatLineSchema } from './chat-line.schema.js';

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

/** What of a room is kept on disk: everything but its members and votes, playback paused where it is now. */
export function durablePart(state: RoomState, now: number): PersistedRoom {
  const position = Math.max(0, positionAt(state.playback, now));
  return {
    format: 2,
    playlist: state.playlist,
    settings: state.settings,
    passcode: state.passcode,
    playback: { songId: state.playback.songId, position },
    chat: state.chat,
    lineSeq: state.lineSeq,
    requests: state.requests,
  };
}

/** A saved room with the journal's lines it does not hold yet, the last `history` kept. */
export function withLines(room: PersistedRoom, lines: readonly ChatLine[], history: number): PersistedRoom {
  const last = lines.at(-1);
  if (!last || Number(last.id) <= room.lineSeq) return room;
  return { ...room, chat: mergeLines(room.chat, lines, history), lineSeq: Number(last.id) };
}

/**
 * One JSON file per room under DATA_DIR/rooms, replaced atomically on every
 * save, and the chat journal beside them (store/chat-journal.ts): before the
 * first room is read, lines an earlier run left in the journal are folded
 * into their rooms' files.
 */
@Injectable()
export class FileRoomPersistence extends RoomPersistence {
  private readonly logger = new Logger(FileRoomPersistence.name);
  private readonly dir: string;
  /** The chat journal's directory (written by the embedded store). */
  readonly journalDir: string;
  private ready: Promise<unknown> | null = null;
  private replayed: Promise<void> | null = null;

  constructor(private readonly config: AppConfig) {
    super();
    this.dir = join(config.DATA_DIR, 'rooms');
    this.journalDir = journalDirOf(config.DATA_DIR);
  }

  async load(roomId: string): Promise<PersistedRoom | null> {
    await this.replay();
    return this.read(roomId);
  }

  private async read(roomId: string): Promise<PersistedRoom | null> {
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
    await this.replay();
    const names = await readdir(this.dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    return names.flatMap((name) => ROOM_FILE.exec(name)?.[1] ?? []);
  }

  private replay(): Promise<void> {
    this.replayed ??= replayJournal(this.journalDir, async (roomId, lines) => {
      const history = this.config.CHAT_HISTORY;
      const saved = (await this.read(roomId)) ?? durablePart(emptyRoom(roomId, history), Date.now());
      await this.save(roomId, withLines(saved, lines, history));
    }).then(
      (count) => {
        if (count > 0) this.logger.log(`${count} chat lines replayed from the journal into their rooms`);
      },
      (error: unknown) => {
        this.replayed = null; // tried again by the next read
        throw error;
      },
    );
    return this.replayed;
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
