import { Service, computed, inject, signal } from '@angular/core';
import { localSourceOf, type Song } from '@musync/protocol';

import { OwnCopies, type CopyOutcome } from '../core/own-copies';
import { RoomSession } from '../core/room-session';
import { PlaybackStore } from '../player/playback-store';

/** An own-copy song as this panel shows it. */
export interface OwnCopySong {
  readonly song: Song;
  /** This browser holds a checked copy. */
  readonly held: boolean;
  /** Names of the people present with a copy, and of those without, in join order. */
  readonly holders: readonly string[];
  readonly missing: readonly string[];
}

/** Where the last pick's outcome is shown: beside the add button (`songId` null) or the song's row. */
export type PickOutcome = CopyOutcome & { readonly songId: string | null };

/**
 * "Bring your own copy": adding a song from this device without uploading it,
 * picking the copy of a song someone else added, and who in the room has which.
 */
@Service()
export class OwnCopyStore {
  private readonly session = inject(RoomSession);
  private readonly copies = inject(OwnCopies);
  private readonly playback = inject(PlaybackStore);
  private readonly _outcome = signal<PickOutcome | null>(null);

  readonly canAdd = this.copies.canAdd;
  readonly isAdmin = this.playback.isAdmin;
  readonly fingerprinting = this.copies.fingerprinting;
  readonly outcome = this._outcome.asReadonly();
  readonly everyoneMayAdd = computed(() => this.session.settings()?.addSongs === 'everyone');
  readonly waitForCopies = computed(() => this.session.settings()?.waitForCopies === true);
  readonly songs = computed<readonly OwnCopySong[]>(() => {
    const members = this.session.presence()?.members ?? [];
    const copies = this.session.copies();
    return this.session
      .playlist()
      .filter((song) => localSourceOf(song) !== null)
      .map((song) => {
        const holding = new Set(copies[song.id] ?? []);
        return {
          song,
          held: this.copies.holds(song),
          holders: members.filter((m) => holding.has(m.id)).map((m) => m.name),
          missing: members.filter((m) => !holding.has(m.id)).map((m) => m.name),
        };
      });
  });

  add(file: File): void {
    void this.settle(null, this.copies.add(file));
  }

  attach(song: Song, file: File): void {
    void this.settle(song.id, this.copies.attach(song, file));
  }

  setEveryoneMayAdd(everyone: boolean): void {
    this.playback.configure({ addSongs: everyone ? 'everyone' : 'admin' });
  }

  setWaitForCopies(wait: boolean): void {
    this.playback.configure({ waitForCopies: wait });
  }

  private async settle(songId: string | null, outcome: Promise<CopyOutcome>): Promise<void> {
    this._outcome.set(null);
    this._outcome.set({ songId, ...(await outcome) });
  }
}
