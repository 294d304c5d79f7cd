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

  /** The song the admin is dragging to another place. */
  protected readonly dragging = signal<string | null>(null);
  /** The song whose handle moved by keyboard: its handle keeps focus when the list redraws. */
  private refocus: string | null = null;

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
    afterRenderEffect({
      write: () => {
        this.store.songs();
        const songId = this.refocus;
        if (songId === null) return;
        const handle = this.host.querySelector<HTMLElement>(`[data-testid="playlist-move"][data-song-id="${CSS.escape(songId)}"]`);
        if (handle && handle !== this.host.ownerDocument.activeElement) handle.focus();
      },
    });
  }

  /** ↑/↓ move the song one place, Home/End to the top or the bottom (the handle's keys). */
  protected onHandleKey(event: KeyboardEvent, songId: string, index: number): void {
    const last = this.store.count() - 1;
    const targets: Record<string, number> = { ArrowUp: index - 1, ArrowDown: index + 1, Home: 0, End: last };
    const to = targets[event.key];
    if (to === undefined) return;
    event.preventDefault();
    this.refocus = songId;
    this.store.move(songId, Math.min(last, Math.max(0, to)));
  }

  protected dragStart(event: DragEvent, songId: string): void {
    if (!this.store.canReorder() || !event.dataTransfer) return;
    event.dataTransfer.effectAllowed = 'move';
    event.dataTransfer.setData('text/plain', songId);
    this.dragging.set(songId);
  }

  /** Lets a dragged song drop on a row (and only a song: files go to the upload panel). */
  protected dragOver(event: DragEvent): void {
    if (this.dragging() === null) return;
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'move';
  }

  protected drop(event: DragEvent, toIndex: number): void {
    const songId = this.dragging();
    if (songId === null) return;
    event.preventDefault();
    this.dragging.set(null);
    this.store.move(songId, toIndex);
  }

  protected dragEnd(): void {
    this.dragging.set(null);
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
