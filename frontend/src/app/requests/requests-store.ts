import { Service, computed, inject, signal } from '@angular/core';
import type { RequestCreate, RequestStatus, Song, SongRequest } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { SocketClient, type RequestPayload, type RequestResult } from '../core/socket-client';
import { wallTime, type WallTime } from '../core/wall-time';
import { PeopleStore } from '../people/people-store';

/** A request as the panel shows it, with what this person may do about it. */
export interface RequestEntry {
  readonly id: string;
  readonly title: string;
  readonly artist: string | null;
  readonly note: string | null;
  readonly requester: string;
  readonly asked: WallTime;
  readonly status: RequestStatus;
  readonly votes: number;
  /** The admin's note (approved) or reason (rejected). */
  readonly answer: string | null;
  /** This person asked for it. */
  readonly mine: boolean;
  /** This person gave it a +1. */
  readonly voted: boolean;
  /** The song that fulfilled it, while the playlist still has it. */
  readonly song: Song | null;
  /** A command about it awaits the server's answer. */
  readonly busy: boolean;
}

/** A command the server refused, kept for the request it was about. */
interface Refusal {
  readonly requestId: string;
  readonly message: string;
}

type RequestCommand = 'requests:vote' | 'requests:withdraw' | 'requests:approve' | 'requests:reject' | 'requests:fulfil';

/**
 * Song requests: asking for one, +1s, withdrawing one's own, and the admin's
 * approve / reject / fulfil. The list is the server's, in its order (`sortRequests`),
 * replaced by every requests:updated; commands only say whether they were taken.
 */
@Service()
export class RequestsStore {
  private readonly session = inject(RoomSession);
  private readonly socket = inject(SocketClient);
  private readonly _creating = signal(false);
  private readonly _createError = signal<string | null>(null);
  private readonly _busy = signal<ReadonlySet<string>>(new Set());
  /** +1s the server took whose broadcast has not come yet: a vote cannot be taken back, so they stand. */
  private readonly _votedHere = signal<ReadonlySet<string>>(new Set());
  private readonly _refusal = signal<Refusal | null>(null);

  readonly isAdmin = inject(PeopleStore).isMeAdmin;
  /** The playlist, for the admin to pick the song that fulfils a request. */
  readonly songs = this.session.playlist;
  /** Withdrawn requests are left out: the one who asked took them back, nobody else needs them. */
  readonly entries = computed<readonly RequestEntry[]>(() => {
    const me = this.session.personId();
    const busy = this._busy();
    const votedHere = this._votedHere();
    const songs = this.session.playlist();
    return this.session
      .requests()
      .filter((request) => request.status !== 'withdrawn')
      .map((request) => toEntry(request, me, busy.has(request.id), votedHere.has(request.id), songs));
  });
  readonly pendingCount = computed(() => this.entries().filter((r) => r.status === 'pending').length);
  /** Requests the admin approved and no song fulfils yet. */
  readonly approved = computed(() => this.entries().filter((r) => r.status === 'approved'));
  readonly creating = this._creating.asReadonly();
  /** Why the last new request was refused, for the form. */
  readonly createError = this._createError.asReadonly();
  /** The last refused command about a listed request, until the next command. */
  readonly refusal = this._refusal.asReadonly();

  /** Resolves true once the server took the request. Empty optional fields are left out. */
  async create(form: { readonly title: string; readonly artist?: string; readonly note?: string }): Promise<boolean> {
    const request: RequestCreate = { title: form.title.trim(), ...optional('artist', form.artist), ...optional('note', form.note) };
    if (request.title === '' || this._creating()) return false;
    this._creating.set(true);
    this._createError.set(null);
    const result = await this.socket.request('requests:create', request);
    this._creating.set(false);
    if (!result.ok) this._createError.set(result.error.message);
    return result.ok;
  }

  vote(requestId: string): void {
    const entry = this.entry(requestId);
    if (entry && canVote(entry)) {
      void this.send('requests:vote', { requestId }).then((ok) => {
        if (ok) this._votedHere.update((ids) => new Set([...ids, requestId]));
      });
    }
  }

  withdraw(requestId: string): void {
    const entry = this.entry(requestId);
    if (entry?.mine && entry.status === 'pending' && !entry.busy) void this.send('requests:withdraw', { requestId });
  }

  approve(requestId: string, note = ''): void {
    if (this.mayDecide(requestId, 'pending')) void this.send('requests:approve', { requestId, ...optional('note', note) });
  }

  reject(requestId: string, reason = ''): void {
    if (this.mayDecide(requestId, 'pending')) void this.send('requests:reject', { requestId, ...optional('reason', reason) });
  }

  fulfil(requestId: string, songId: string): void {
    if (this.mayDecide(requestId, 'approved')) void this.send('requests:fulfil', { requestId, songId });
  }

  private entry(requestId: string): RequestEntry | undefined {
    return this.entries().find((r) => r.id === requestId);
  }

  private mayDecide(requestId: string, status: RequestStatus): boolean {
    const entry = this.entry(requestId);
    return this.isAdmin() && entry?.status === status && !entry.busy;
  }

  private async send<E extends RequestCommand>(event: E, payload: RequestPayload<E>): Promise<boolean> {
    const requestId = payload.requestId;
    this._refusal.set(null);
    this._busy.update((ids) => new Set([...ids, requestId]));
    const result: RequestResult<RequestCommand> = await this.socket.request(event, payload);
    this._busy.update((ids) => new Set([...ids].filter((id) => id !== requestId)));
    if (!result.ok) this._refusal.set({ requestId, message: result.error.message });
    return result.ok;
  }
}

/** A +1 is for someone else's pending request, once. */
export function canVote(entry: RequestEntry): boolean {
  return entry.status === 'pending' && !entry.mine && !entry.voted && !entry.busy;
}

function optional<K extends string>(key: K, text: string | undefined): Partial<Record<K, string>> {
  const trimmed = text?.trim() ?? '';
  return trimmed === '' ? {} : ({ [key]: trimmed } as Record<K, string>);
}

function toEntry(request: SongRequest, me: string | null, busy: boolean, votedHere: boolean, songs: readonly Song[]): RequestEntry {
  return {
    id: request.id,
    title: request.title,
    artist: request.artist,
    note: request.note,
    requester: request.requester,
    asked: wallTime(request.at),
    status: request.status,
    votes: request.voterIds.length,
    answer: request.answer,
    mine: me !== null && request.requesterId === me,
    voted: votedHere || (me !== null && request.voterIds.includes(me)),
    song: request.songId === null ? null : (songs.find((s) => s.id === request.songId) ?? null),
    busy,
  };
}
