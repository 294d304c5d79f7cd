import { Service, computed, inject, signal } from '@angular/core';

import { SocketClient } from '../core/socket-client';
import { PlaybackStore } from '../player/playback-store';

/** A removal the server refused, kept for the row where the admin asked for it. */
interface RemoveRefusal {
  readonly songId: string;
  readonly message: string;
}

/** The room's songs in order, which one is on, picking one to play, and the admin removing one. */
@Service()
export class PlaylistStore {
  private readonly playback = inject(PlaybackStore);
  private readonly socket = inject(SocketClient);
  private readonly _removing = signal<ReadonlySet<string>>(new Set());
  private readonly _removeRefusal = signal<RemoveRefusal | null>(null);

  readonly songs = this.playback.playlist;
  readonly count = computed(() => this.songs().length);
  /** The song on now (playing, paused or loading), if any. */
  readonly currentId = computed(() => this.playback.song()?.id ?? null);
  readonly canSelect = this.playback.canControl;
  readonly canRemove = this.playback.isAdmin;
  /** Songs whose removal awaits the server's answer. */
  readonly removing = this._removing.asReadonly();
  /** The last refused removal, until the next attempt. */
  readonly removeRefusal = this._removeRefusal.asReadonly();

  select(songId: string): void {
    this.playback.select(songId);
  }

  /** The song leaves the list when the server's playlist:updated says so, for everyone at once. */
  remove(songId: string): void {
    if (this.canRemove() && !this._removing().has(songId)) void this.sendRemove(songId);
  }

  private async sendRemove(songId: string): Promise<void> {
    this._removeRefusal.set(null);
    this._removing.update((ids) => new Set([...ids, songId]));
    const result = await this.socket.request('playlist:remove', { songId });
    this._removing.update((ids) => new Set([...ids].filter((id) => id !== songId)));
    if (!result.ok) this._removeRefusal.set({ songId, message: result.error.message });
  }
}
