import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';

import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { ChatJournal } from '../store/chat-journal.js';
import { durablePart, RoomPersistence, type PersistedRoom } from '../store/room-persistence.js';
import { WriteBehind } from '../store/write-behind.js';
import { keepHistory, linesAfter } from './chat.rules.js';
import { RoomStore } from './room.store.js';
import { apply, emptyRoom, partsChanged, type Actor, type RoomCommand, type AppliedResult, type RoomState } from './room.state.js';

/** Durable parts that change rarely and matter much (an uploaded song's entry, a passcode): the room is written at once. */
const RARE = ['playlist', 'settings', 'passcode', 'requests'] as const;
/** Playback changes with every click: the room is written behind, at most once per ROOM_WRITE_DELAY_MS. */
const FREQUENT = ['playback'] as const;
/** Room files a journal checkpoint writes at once (libuv's default thread pool is 4). */
const CHECKPOINT_WRITES = 4;

/**
 * The embedded store: rooms in this process's memory, each applied
 * synchronously (so every command is atomic). New chat lines go to the chat
 * journal (group-committed within ROOM_WRITE_DELAY_MS); the room's whole
 * durable part goes to RoomPersistence when anything else durable changes (at
 * once for rare changes, coalesced for playback), when the room leaves memory,
 * and when the journal checkpoints it (docs/operations.md, what a crash loses).
 */
@Injectable()
export class MemoryRoomStore extends RoomStore implements OnApplicationShutdown {
  private readonly logger = new Logger(MemoryRoomStore.name);
  private readonly rooms = new Map<string, RoomState>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly writes: WriteBehind<PersistedRoom>;
  private readonly journal: ChatJournal;

  /** `journalDir`: where the chat journal is kept (FileRoomPersistence.journalDir, which replays it). */
  constructor(
    private readonly clock: ServerClock,
    private readonly persistence: RoomPersistence,
    private readonly config: AppConfig,
    journalDir: string,
  ) {
    super();
    this.writes = new WriteBehind(
      config.ROOM_WRITE_DELAY_MS,
      (roomId, room) => this.persistence.save(roomId, room),
      (roomId, error) => this.logger.error(`room ${roomId}: state not saved`, error),
    );
    this.journal = new ChatJournal(
      journalDir,
      config.ROOM_WRITE_DELAY_MS,
      (roomIds) => this.writeWhole(roomIds),
      (error) => this.logger.error('chat journal: lines not written', error),
    );
  }

  async apply(roomId: string, command: RoomCommand, actor: Actor): Promise<AppliedResult> {
    await this.load(roomId);
    // From here to the end nothing awaits: the command is applied atomically.
    const before = this.rooms.get(roomId) ?? emptyRoom(roomId, this.config.CHAT_HISTORY);
    const result = apply(before, command, actor, this.clock.now());
    const { state } = result;
    // A room with nobody, no songs and no chair held open leaves memory; what it said and asked for stays on disk.
    const leaves = state.members.length === 0 && state.playlist.length === 0 && !state.vacancy;
    if (leaves) this.rooms.delete(roomId);
    else this.rooms.set(roomId, state);
    const changed = (parts: readonly (typeof RARE | typeof FREQUENT)[number][]): boolean => partsChanged(before, state, parts);
    if (state.chat !== before.chat) this.journal.append(roomId, linesAfter(state.chat, before.lineSeq));
    // A room leaving memory is written whole at once: disk is then its only copy.
    if (leaves || changed(RARE) || changed(FREQUENT)) this.writes.put(roomId, durablePart(state, this.clock.now()), leaves || changed(RARE));
    return result;
  }

  async get(roomId: string): Promise<RoomState | null> {
    await this.load(roomId);
    return this.rooms.get(roomId) ?? null;
  }

  async songInUse(songId: string): Promise<boolean> {
    const lists = (playlist: readonly { readonly id: string }[]): boolean => playlist.some((s) => s.id === songId);
    for (const state of this.rooms.values()) if (lists(state.playlist)) return true;
    for (const roomId of await this.persistence.list()) {
      if (this.rooms.has(roomId)) continue;
      // A forgotten room's last state may still be on its way to disk.
      const kept = this.writes.pending(roomId) ?? (await this.persistence.load(roomId));
      if (kept && lists(kept.playlist)) return true;
    }
    return false;
  }

  /** Ready when DATA_DIR, where rooms are written, accepts writes. */
  async ready(): Promise<void> {
    await access(this.config.DATA_DIR, constants.W_OK);
  }

  /** Waits until every change so far is on disk, each room whole in its file (shutdown, tests). */
  async flush(): Promise<void> {
    await this.journal.checkpointAll();
    await this.writes.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /**
   * A journal checkpoint: each room's current state written whole (a room no
   * longer in memory was written whole as it left); true once all are on
   * disk. A few rooms at a time: it is background work, and hundreds of
   * writes at once would stall the rooms that are talking.
   */
  private async writeWhole(roomIds: ReadonlySet<string>): Promise<boolean> {
    const ids = [...roomIds];
    let all = true;
    for (let i = 0; i < ids.length; i += CHECKPOINT_WRITES) {
      const batch = ids.slice(i, i + CHECKPOINT_WRITES);
      for (const roomId of batch) {
        const state = this.rooms.get(roomId);
        if (state) this.writes.put(roomId, durablePart(state, this.clock.now()), true);
      }
      const written = await Promise.all(batch.map((roomId) => this.writes.written(roomId)));
      all &&= written.every(Boolean);
    }
    return all;
  }

  private load(roomId: string): Promise<void> {
    if (this.rooms.has(roomId)) return Promise.resolve();
    let loading = this.loading.get(roomId);
    if (!loading) {
      // A room that just left memory may still be on its way to disk: read it once written.
      loading = (async () => {
        await this.writes.settle(roomId);
        const saved = await this.persistence.load(roomId);
        if (saved && !this.rooms.has(roomId)) {
          this.rooms.set(roomId, restore(roomId, saved, this.clock.now(), this.config.CHAT_HISTORY));
        }
      })();
      loading.finally(() => this.loading.delete(roomId)).catch(() => undefined);
      this.loading.set(roomId, loading);
    }
    return loading;
  }
}

/** A room as it comes back after a restart: its songs, settings, chat and requests, paused where it was. */
export function restore(roomId: string, saved: PersistedRoom, now: number, chatHistory: number): RoomState {
  const songId = saved.playlist.some((s) => s.id === saved.playback.songId) ? saved.playback.songId : null;
  return {
    ...emptyRoom(roomId, chatHistory),
    playlist: saved.playlist,
    settings: saved.settings,
    passcode: saved.passcode,
    playback: { songId, status: 'paused', position: songId ? saved.playback.position : 0, anchor: now, version: 0 },
    chat: keepHistory(saved.chat, chatHistory),
    lineSeq: saved.lineSeq,
    requests: saved.requests,
  };
}
