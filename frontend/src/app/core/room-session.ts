import { Service, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Playback, Presence, RoomSettings, RoomSnapshot, Song } from '@musync/protocol';
import { type Observable, Subject } from 'rxjs';

import { readSetting, writeSetting } from './browser-storage';
import { clientToken } from './client-token';
import { SocketClient } from './socket-client';

const USERNAME_KEY = 'musync.username';

interface JoinTarget {
  readonly roomId: string;
  readonly username: string;
}

/**
 * This client's membership of one room: joining, rejoining after reconnects, and
 * the room's state as the server last described it (presence, playlist,
 * playback, settings) from the join snapshot and the broadcasts that follow.
 */
@Service()
export class RoomSession {
  private readonly socket = inject(SocketClient);
  private readonly _memberId = signal<string | null>(null);
  private readonly _presence = signal<Presence | null>(null);
  private readonly _playlist = signal<readonly Song[]>([]);
  private readonly _playback = signal<Playback | null>(null);
  private readonly _settings = signal<RoomSettings | null>(null);
  private readonly _joinError = signal<string | null>(null);
  private readonly _joining = signal(false);
  private readonly playbackChanges = new Subject<void>();
  /** The room this client means to be in; every new connection joins it again. */
  private target: JoinTarget | null = null;
  /** Only the answer to the latest join attempt counts. */
  private attempt = 0;

  readonly memberId = this._memberId.asReadonly();
  readonly presence = this._presence.asReadonly();
  readonly playlist = this._playlist.asReadonly();
  /** Null until joined. */
  readonly playback = this._playback.asReadonly();
  readonly settings = this._settings.asReadonly();
  /** The message of the last refused join, for the place the user typed their name. */
  readonly joinError = this._joinError.asReadonly();
  readonly joining = this._joining.asReadonly();
  readonly joined = computed(() => this._memberId() !== null);
  /** The name this browser last joined with, to prefill the prompt. */
  readonly lastUsername = readSetting(USERNAME_KEY) ?? '';
  /**
   * Emits synchronously, inside the socket event, right after the playlist or
   * playback changed: audio scheduling must not wait for change detection or
   * timers, which background tabs throttle to a second or more.
   */
  readonly changes: Observable<void> = this.playbackChanges.asObservable();

  constructor() {
    this.socket.connects.pipe(takeUntilDestroyed()).subscribe(() => {
      // Membership belongs to the server-side socket, so a new connection joins again.
      if (this.target) void this.send(this.target);
    });
    this.socket
      .on('presence:updated')
      .pipe(takeUntilDestroyed())
      .subscribe((presence) => {
        if (presence.roomId === this.target?.roomId) this._presence.set(presence);
      });
    // One room per connection, so every playlist, playback and settings broadcast is this room's.
    this.socket
      .on('playlist:updated')
      .pipe(takeUntilDestroyed())
      .subscribe(({ songs }) => {
        if (!this.joined()) return;
        this._playlist.set(songs);
        this.playbackChanges.next();
      });
    this.socket
      .on('playback:updated')
      .pipe(takeUntilDestroyed())
      .subscribe((playback) => this.applyPlayback(playback));
    this.socket
      .on('settings:updated')
      .pipe(takeUntilDestroyed())
      .subscribe((settings) => this.applySettings(settings));
  }

  /** Joins now if connected, otherwise as soon as the connection is up. */
  join(roomId: string, username: string): void {
    if (this._joining()) return;
    this.target = { roomId, username };
    this._joinError.set(null);
    this._joining.set(true);
    if (this.socket.isConnected()) void this.send(this.target);
  }

  /**
   * Takes a playback state from a broadcast or a command's ack. A broadcast and
   * an ack can cross, so only a newer version replaces what is shown.
   */
  applyPlayback(playback: Playback): void {
    const current = this._playback();
    if (!this.joined() || (current !== null && playback.version <= current.version)) return;
    this._playback.set(playback);
    this.playbackChanges.next();
  }

  applySettings(settings: RoomSettings): void {
    if (this.joined()) this._settings.set(settings);
  }

  private async send(target: JoinTarget): Promise<void> {
    const attempt = ++this.attempt;
    const result = await this.socket.request('room:join', { ...target, clientToken: clientToken() });
    if (attempt !== this.attempt) return;
    if (result.ok) {
      this._memberId.set(result.memberId);
      this.takeSnapshot(result);
      this._joining.set(false);
      writeSetting(USERNAME_KEY, target.username);
    } else if (result.error.code !== 'NOT_CONNECTED') {
      this.target = null;
      this._memberId.set(null);
      this.takeSnapshot(null);
      this._joining.set(false);
      this._joinError.set(result.error.message);
    }
    // NOT_CONNECTED: the connection dropped first; the next connect sends the join again.
  }

  /** The join snapshot replaces everything, versions included (the room may have been recreated). */
  private takeSnapshot(snapshot: RoomSnapshot | null): void {
    this._presence.set(snapshot?.presence ?? null);
    this._playlist.set(snapshot?.playlist ?? []);
    this._playback.set(snapshot?.playback ?? null);
    this._settings.set(snapshot?.settings ?? null);
    this.playbackChanges.next();
  }
}
