import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  afterRenderEffect,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';

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
  private readonly injector = inject(Injector);
  private readonly host: HTMLElement = inject<ElementRef<HTMLElement>>(ElementRef).nativeElement;
  private readonly keepButton = viewChild<ElementRef<HTMLButtonElement>>('keep');
  /** The button that opened the question, to give focus back when it closes unanswered. */
  private asker: HTMLElement | null = null;

  /** The song whose removal awaits the admin's confirmation. */
  protected readonly confirming = signal<string | null>(null);
  protected readonly countLabel = computed(() => {
    const count = this.store.count();
    return `${count} ${count === 1 ? 'song' : 'songs'}`;
  });
  protected readonly formatTime = formatSongTime;

  constructor() {
    afterRenderEffect({
      read: () => {
        const songId = this.store.revealed()?.songId;
        if (songId === undefined) return;
        const row = [...this.host.querySelectorAll<HTMLElement>('[data-testid="playlist-item"]')].find((item) => item.dataset['songId'] === songId);
        // jsdom has no scrollIntoView.
        row?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
      },
    });
  }

  protected askRemove(songId: string, asker: HTMLElement): void {
    this.asker = asker;
    this.confirming.set(songId);
    // Focus moves into the question, so Esc and Tab act on it; "Keep" first, as a slip of Enter must not delete.
    afterNextRender({ write: () => this.keepButton()?.nativeElement.focus() }, { injector: this.injector });
  }

  protected confirmRemove(songId: string): void {
    this.confirming.set(null);
    this.asker = null;
    this.store.remove(songId);
  }

  protected cancelRemove(): void {
    this.confirming.set(null);
    this.asker?.focus();
    this.asker = null;
  }
}
