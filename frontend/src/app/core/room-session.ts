import { Service, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import type { Presence } from '@musync/protocol';

import { readSetting, writeSetting } from './browser-storage';
import { clientToken } from './client-token';
import { SocketClient } from './socket-client';

const USERNAME_KEY = 'musync.username';

interface JoinTarget {
  readonly roomId: string;
  readonly username: string;
}

/** This client's membership of one room: joining, presence, and rejoining after reconnects. */
@Service()
export class RoomSession {
  private readonly socket = inject(SocketClient);
  private readonly _memberId = signal<string | null>(null);
  private readonly _presence = signal<Presence | null>(null);
  private readonly _joinError = signal<string | null>(null);
  private readonly _joining = signal(false);
  /** The room this client means to be in; every new connection joins it again. */
  private target: JoinTarget | null = null;
  /** Only the answer to the latest join attempt counts. */
  private attempt = 0;

  readonly memberId = this._memberId.asReadonly();
  readonly presence = this._presence.asReadonly();
  /** The message of the last refused join, for the place the user typed their name. */
  readonly joinError = this._joinError.asReadonly();
  readonly joining = this._joining.asReadonly();
  readonly joined = computed(() => this._memberId() !== null);
  /** The name this browser last joined with, to prefill the prompt. */
  readonly lastUsername = readSetting(USERNAME_KEY) ?? '';

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
  }

  /** Joins now if connected, otherwise as soon as the connection is up. */
  join(roomId: string, username: string): void {
    if (this._joining()) return;
    this.target = { roomId, username };
    this._joinError.set(null);
    this._joining.set(true);
    if (this.socket.isConnected()) void this.send(this.target);
  }

  private async send(target: JoinTarget): Promise<void> {
    const attempt = ++this.attempt;
    const result = await this.socket.request('room:join', { ...target, clientToken: clientToken() });
    if (attempt !== this.attempt) return;
    if (result.ok) {
      this._memberId.set(result.memberId);
      this._presence.set(result.presence);
      this._joining.set(false);
      writeSetting(USERNAME_KEY, target.username);
    } else if (result.error.code !== 'NOT_CONNECTED') {
      this.target = null;
      this._memberId.set(null);
      this._presence.set(null);
      this._joining.set(false);
      this._joinError.set(result.error.message);
    }
    // NOT_CONNECTED: the connection dropped first; the next connect sends the join again.
  }
}
