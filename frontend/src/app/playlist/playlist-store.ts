import { Service, computed, inject, signal } from '@angular/core';

import { SocketClient } from '../core/socket-client';
import { PlaybackStore } from '../player/playback-store';

/** A removal or move the server refused, kept for the row where the admin asked for it. */
interface RemoveRefusal {
  readonly songId: string;
  readonly message: string;
}

/** How long a song shown from elsewhere (a fulfilled request) stays highlighted. */
const REVEAL_MS = 2500;

/** The room's songs in order, which one is on, picking one to play, and the admin removing one. */
@Service()
export class PlaylistStore {
  private readonly playback = inject(PlaybackStore);
  private readonly socket = inject(SocketClient);
  private readonly _removing = signal<ReadonlySet<string>>(new Set());
  private readonly _removeRefusal = signal<RemoveRefusal | null>(null);
  private readonly _revealed = signal<{ readonly songId: string } | null>(null);
  private readonly _moveRefusal = signal<RemoveRefusal | null>(null);
  private readonly _moved = signal('');

  readonly songs = this.playback.playlist;
  readonly count = computed(() => this.songs().length);
  /** The song on now (playing, paused or loading), if any. */
  readonly currentId = computed(() => this.playback.song()?.id ?? null);
  readonly canSelect = this.playback.canControl;
  readonly canRemove = this.playback.isAdmin;
  readonly canReorder = this.playback.isAdmin;
  /** The last refused move, until the next one. */
  readonly moveRefusal = this._moveRefusal.asReadonly();
  /** What the admin's last move did, in words, for a screen reader to announce. */
  readonly moved = this._moved.asReadonly();
  /** Songs whose removal awaits the server's answer. */
  readonly removing = this._removing.asReadonly();
  /** The last refused removal, until the next attempt. */
  readonly removeRefusal = this._removeRefusal.asReadonly();
  /** A song another panel pointed at, for the playlist to scroll to and highlight for a moment. */
  readonly revealed = this._revealed.asReadonly();

  select(songId: string): void {
    this.playback.select(songId);
  }

  /** Shows the song in the playlist without playing it: playing is the room's business, looking is not. */
  reveal(songId: string): void {
    // A new object each time, so showing the same song again scrolls to it again.
    const revealed = { songId };
    this._revealed.set(revealed);
    setTimeout(() => {
      if (this._revealed() === revealed) this._revealed.set(null);
    }, REVEAL_MS);
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

  /** Moves a song to place `toIndex` (0-based); the new order arrives for everyone with playlist:updated. */
  move(songId: string, toIndex: number): void {
    const from = this.songs().findIndex((song) => song.id === songId);
    if (!this.canReorder() || from < 0 || toIndex === from || toIndex < 0 || toIndex >= this.count()) return;
    void this.sendMove(songId, toIndex);
  }

  private async sendMove(songId: string, toIndex: number): Promise<void> {
    this._moveRefusal.set(null);
    const result = await this.socket.request('playlist:move', { songId, toIndex });
    if (!result.ok) {
      this._moveRefusal.set({ songId, message: result.error.message });
      return;
    }
    const title = this.songs().find((song) => song.id === songId)?.title ?? 'The song';
    this._moved.set(`${title} moved to place ${toIndex + 1} of ${this.count()}`);
  }
}
