import { constants } from 'node:fs';
import { access } from 'node:fs/promises';

import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { positionAt } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { RoomPersistence, type PersistedRoom } from '../store/room-persistence.js';
import { keepHistory } from './chat.rules.js';
import { RoomStore } from './room.store.js';
import { apply, emptyRoom, type Actor, type RoomCommand, type AppliedResult, type RoomState } from './room.state.js';

/**
 * The embedded store: rooms in this process's memory, each applied
 * synchronously (so every command is atomic), and its durable part written
 * through to RoomPersistence after every change that touches it.
 */
@Injectable()
export class MemoryRoomStore extends RoomStore implements OnApplicationShutdown {
  private readonly logger = new Logger(MemoryRoomStore.name);
  private readonly rooms = new Map<string, RoomState>();
  private readonly loading = new Map<string, Promise<void>>();
  /** The latest durable state of each room not yet written, and the write loop per room. */
  private readonly unsaved = new Map<string, PersistedRoom>();
  private readonly writers = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: ServerClock,
    private readonly persistence: RoomPersistence,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async apply(roomId: string, command: RoomCommand, actor: Actor): Promise<AppliedResult> {
    await this.load(roomId);
    // From here to the end nothing awaits: the command is applied atomically.
    const before = this.rooms.get(roomId) ?? emptyRoom(roomId, this.config.CHAT_HISTORY);
    const result = apply(before, command, actor, this.clock.now());
    const { state } = result;
    // A room with nobody, no songs and no chair held open leaves memory; what it said and asked for stays on disk.
    if (state.members.length === 0 && state.playlist.length === 0 && !state.vacancy) this.rooms.delete(roomId);
    else this.rooms.set(roomId, state);
    const durable = ['playlist', 'settings', 'passcode', 'playback', 'chat', 'requests'] as const;
    if (durable.some((part) => state[part] !== before[part])) this.persist(roomId, state);
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
      const kept = this.unsaved.get(roomId) ?? (await this.persistence.load(roomId));
      if (kept && lists(kept.playlist)) return true;
    }
    return false;
  }

  /** Ready when DATA_DIR, where rooms are written, accepts writes. */
  async ready(): Promise<void> {
    await access(this.config.DATA_DIR, constants.W_OK);
  }

  /** Waits until every change so far is on disk (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.writers.size > 0) await Promise.all(this.writers.values());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  private load(roomId: string): Promise<void> {
    if (this.rooms.has(roomId)) return Promise.resolve();
    let loading = this.loading.get(roomId);
    if (!loading) {
      // A room that just left memory may still be on its way to disk: read it once written.
      loading = (async () => {
        await this.writers.get(roomId);
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

  /** Queues the room's durable state; one writer per room writes the latest and skips the in-between. */
  private persist(roomId: string, state: RoomState): void {
    this.unsaved.set(roomId, durablePart(state, this.clock.now()));
    if (this.writers.has(roomId)) return;
    const writer = (async () => {
      for (let next = this.unsaved.get(roomId); next; next = this.unsaved.get(roomId)) {
        this.unsaved.delete(roomId);
        try {
          await this.persistence.save(roomId, next);
        } catch (error) {
          this.logger.error(`room ${roomId}: state not saved`, error);
        }
      }
    })().finally(() => this.writers.delete(roomId));
    this.writers.set(roomId, writer);
  }
}

function durablePart(state: RoomState, now: number): PersistedRoom {
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
