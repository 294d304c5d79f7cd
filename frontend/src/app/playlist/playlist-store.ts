import { Service, computed, inject } from '@angular/core';

import { PlaybackStore } from '../player/playback-store';

/** The room's songs in order, which one is on, and picking one to play. */
@Service()
export class PlaylistStore {
  private readonly playback = inject(PlaybackStore);

  readonly songs = this.playback.playlist;
  readonly count = computed(() => this.songs().length);
  /** The song on now (playing, paused or loading), if any. */
  readonly currentId = computed(() => this.playback.song()?.id ?? null);
  readonly canSelect = this.playback.canControl;

  select(songId: string): void {
    this.playback.select(songId);
  }
}
