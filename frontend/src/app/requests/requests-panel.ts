import {
  ChangeDetectionStrategy,
  Component,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { REQUEST_NOTE_MAX_LENGTH, REQUEST_TITLE_MAX_LENGTH, type RequestStatus } from '@musync/protocol';

import { PlaylistStore } from '../playlist/playlist-store';
import { type RequestEntry, RequestsStore, canVote } from './requests-store';

type Decision = 'approve' | 'reject';

const DECISION_TEXT: Record<Decision, string> = { approve: 'Approve', reject: 'Reject' };

const STATUS_TEXT: Record<RequestStatus, string> = {
  pending: 'Waiting',
  approved: 'Approved',
  rejected: 'Rejected',
  fulfilled: 'In the playlist',
  withdrawn: 'Withdrawn',
};

@Component({
  selector: 'app-requests-panel',
  templateUrl: './requests-panel.html',
  styleUrl: './requests-panel.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RequestsPanel {
  protected readonly store = inject(RequestsStore);
  private readonly playlist = inject(PlaylistStore);
  private readonly injector = inject(Injector);
  private readonly answerInput = viewChild<ElementRef<HTMLInputElement>>('answer');
  /** The button that opened the answer form, to give focus back when it closes unanswered. */
  private opener: HTMLElement | null = null;

  protected readonly titleMax = REQUEST_TITLE_MAX_LENGTH;
  protected readonly noteMax = REQUEST_NOTE_MAX_LENGTH;
  protected readonly statusText = STATUS_TEXT;
  protected readonly canVote = canVote;
  protected readonly decisions: readonly Decision[] = ['approve', 'reject'];
  protected readonly decisionText = DECISION_TEXT;

  protected readonly title = signal('');
  protected readonly artist = signal('');
  protected readonly note = signal('');
  protected readonly optionalFields = [
    { label: 'Artist', testId: 'request-artist', value: this.artist, max: REQUEST_TITLE_MAX_LENGTH },
    { label: 'Note', testId: 'request-note', value: this.note, max: REQUEST_NOTE_MAX_LENGTH },
  ] as const;
  protected readonly canCreate = computed(() => this.title().trim() !== '' && !this.store.creating());
  protected readonly countLabel = computed(() => `${this.store.pendingCount()} waiting`);

  /** The admin's open approve / reject form, with its optional note or reason. */
  protected readonly answering = signal<{ readonly requestId: string; readonly decision: Decision } | null>(null);
  /** Songs the admin picked to fulfil approved requests, by request id. */
  private readonly picked = signal<ReadonlyMap<string, string>>(new Map());

  protected async create(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (!this.canCreate()) return;
    const sent = await this.store.create({ title: this.title(), artist: this.artist(), note: this.note() });
    // A refused request stays in the form, to fix or retry.
    if (sent) for (const field of [this.title, this.artist, this.note]) field.set('');
  }

  protected votesLabel(votes: number): string {
    return `${votes} ${votes === 1 ? 'vote' : 'votes'}`;
  }

  protected voteTitle(entry: RequestEntry): string {
    if (entry.mine) return 'You asked for this one';
    if (entry.voted) return 'You voted for this one';
    return `Vote for ${entry.title}`;
  }

  protected openAnswer(requestId: string, decision: Decision, opener: HTMLElement): void {
    this.opener = opener;
    this.answering.set({ requestId, decision });
    afterNextRender({ write: () => this.answerInput()?.nativeElement.focus() }, { injector: this.injector });
  }

  protected confirmAnswer(event: SubmitEvent, text: string): void {
    event.preventDefault();
    const open = this.answering();
    if (!open) return;
    if (open.decision === 'approve') this.store.approve(open.requestId, text);
    else this.store.reject(open.requestId, text);
    this.answering.set(null);
    this.opener = null;
  }

  protected cancelAnswer(): void {
    this.answering.set(null);
    this.opener?.focus();
    this.opener = null;
  }

  /** The song picked for a request, or else the one whose title matches it. */
  protected pickedSong(entry: RequestEntry): string | null {
    const picked = this.picked().get(entry.id);
    if (picked !== undefined) return picked === '' ? null : picked;
    const title = entry.title.toLocaleLowerCase();
    return this.store.songs().find((s) => s.title.toLocaleLowerCase() === title)?.id ?? null;
  }

  protected pick(requestId: string, songId: string): void {
    this.picked.update((picked) => new Map([...picked, [requestId, songId]]));
  }

  protected fulfil(entry: RequestEntry): void {
    const songId = this.pickedSong(entry);
    if (songId !== null) this.store.fulfil(entry.id, songId);
  }

  protected reveal(songId: string): void {
    this.playlist.reveal(songId);
  }
}
