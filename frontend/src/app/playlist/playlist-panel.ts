import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';

import { formatSongTime } from '../player/song-time';
import { PlaylistStore } from './playlist-store';

@Component({
  selector: 'app-playlist-panel',
  templateUrl: './playlist-panel.html',
  styleUrl: './playlist-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PlaylistPanel {
  protected readonly store = inject(PlaylistStore);
  protected readonly countLabel = computed(() => {
    const count = this.store.count();
    return `${count} ${count === 1 ? 'song' : 'songs'}`;
  });
  protected readonly formatTime = formatSongTime;
}
