import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  afterRenderEffect,
  computed,
  inject,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { CHAT_MESSAGE_MAX_LENGTH } from '@musync/protocol';

import { ChatStore } from './chat-store';

/** Within this many pixels of the end, the reader counts as at the newest line (rounding, a last half line). */
const AT_BOTTOM_PX = 24;
/** The counter shows once this few characters are left. */
const COUNTER_FROM_LEFT = 50;

@Component({
  selector: 'app-chat-panel',
  templateUrl: './chat-panel.html',
  styleUrl: './chat-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ChatPanel {
  protected readonly store = inject(ChatStore);
  private readonly log = viewChild.required<ElementRef<HTMLElement>>('log');
  private readonly input = viewChild.required<ElementRef<HTMLInputElement>>('input');
  /** The newest line the view has been rendered with, to tell a new line from a re-render. */
  private newestSeen: string | undefined;

  protected readonly max = CHAT_MESSAGE_MAX_LENGTH;
  protected readonly draft = signal('');
  /** The view follows new lines; false once the reader scrolls up to read back. */
  protected readonly following = signal(true);
  protected readonly canSend = computed(() => this.draft().trim() !== '' && !this.store.sending());
  protected readonly counter = computed(() => {
    const length = this.draft().length;
    return this.max - length <= COUNTER_FROM_LEFT ? `${length}/${this.max}` : null;
  });
  protected readonly unreadLabel = computed(() => {
    const count = this.store.unread();
    return count === 0 || this.following() ? null : `${count} new ${count === 1 ? 'message' : 'messages'}`;
  });

  constructor() {
    afterRenderEffect({
      write: () => {
        const newest = this.store.lines().at(-1);
        if (!newest || newest.id === this.newestSeen) return;
        this.newestSeen = newest.id;
        // Your own line always brings you down to it.
        if (newest.mine || untracked(this.following)) this.jumpDown();
      },
    });
  }

  protected edit(value: string): void {
    this.draft.set(value);
  }

  /** Enter in the input or the Send button; the form's submit never fires while the button is disabled. */
  protected async send(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.canSend()) return;
    const sent = await this.store.send(this.draft());
    // A refused line stays in the box, to retry or fix.
    if (sent) this.draft.set('');
    this.input().nativeElement.focus();
  }

  protected onScroll(): void {
    const log = this.log().nativeElement;
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight <= AT_BOTTOM_PX;
    this.following.set(atBottom);
    if (atBottom) this.store.markRead();
  }

  /** Scrolls to the newest line and follows again (the "N new messages" button, a new line while following). */
  protected jumpDown(): void {
    const log = this.log().nativeElement;
    log.scrollTop = log.scrollHeight;
    this.following.set(true);
    this.store.markRead();
  }
}
