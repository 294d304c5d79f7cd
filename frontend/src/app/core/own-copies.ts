import { Service, computed, effect, inject, signal, untracked } from '@angular/core';
import { localSourceOf, type AddSongsMode, type Song } from '@musync/protocol';

import { CopyMemory } from './copy-memory';
import { LocalFileReader } from './local-file';
import { RoomSession } from './room-session';
import { SocketClient } from './socket-client';

/** The outcome of picking a file, for the place the user picked it. */
export type CopyOutcome = { readonly ok: true; readonly message: string } | { readonly ok: false; readonly message: string };

/** A file being fingerprinted: for adding (`songId` null) or as the copy of a listed song. */
export interface Fingerprinting {
  readonly songId: string | null;
  readonly name: string;
  /** 0–1. */
  readonly fraction: number;
}

/**
 * This browser's own copies of "bring your own copy" songs: files picked from
 * the device, kept by fingerprint for the tab's session (CopyMemory: a reload
 * finds them again), never sent anywhere. A picked file counts only if its SHA-256 matches the song's; the
 * server hears the fingerprints held (`copies:report`) after every change and
 * on every (re)join, and counts this member ready for exactly those songs.
 */
@Service()
export class OwnCopies {
  private readonly session = inject(RoomSession);
  private readonly socket = inject(SocketClient);
  private readonly reader = inject(LocalFileReader);
  private readonly memory = inject(CopyMemory);
  private readonly files = signal<ReadonlyMap<string, File>>(new Map());
  private readonly _fingerprinting = signal<Fingerprinting | null>(null);

  /** Fingerprints of the files this browser holds. */
  readonly held = computed(() => [...this.files().keys()]);
  readonly fingerprinting = this._fingerprinting.asReadonly();
  /** Whether this member may add own-copy songs (the admin, or everyone if the room says so). */
  readonly canAdd = computed(() => {
    const mode: AddSongsMode = this.session.settings()?.addSongs ?? 'admin';
    const me = this.session.memberId();
    return me !== null && (mode === 'everyone' || this.session.presence()?.adminId === me);
  });

  constructor() {
    // A reload finds this session's checked copies again.
    void this.memory.load().then((kept) => {
      for (const [fingerprint, file] of kept) this.keep(fingerprint, file, false);
    });
    // Every membership (join, rejoin after a reconnect) and every change of what is held.
    effect(() => {
      const member = this.session.memberId();
      const fingerprints = this.held();
      if (member !== null) untracked(() => void this.socket.request('copies:report', { fingerprints }));
    });
  }

  /** The checked file for an own-copy song, or null (an uploaded song, or no copy here). */
  fileFor(song: Song): File | null {
    const source = localSourceOf(song);
    return source ? (this.files().get(source.fingerprint) ?? null) : null;
  }

  holds(song: Song): boolean {
    return this.fileFor(song) !== null;
  }

  /** Takes `file` as this browser's copy of `song` if it is the very same file (same SHA-256). */
  async attach(song: Song, file: File): Promise<CopyOutcome> {
    const source = localSourceOf(song);
    if (!source) return { ok: false, message: `“${song.title}” is served by the room; it needs no copy.` };
    const different = {
      ok: false,
      message: `“${file.name}” is a different file or another version of “${song.title}”: its fingerprint does not match, so it was not taken.`,
    } as const;
    // Different sizes cannot have the same fingerprint: no need to read the file.
    if (file.size !== source.size) return different;
    const fingerprint = await this.fingerprint(file, song.id);
    if (fingerprint === null) return { ok: false, message: `“${file.name}” could not be read.` };
    if (fingerprint !== source.fingerprint) return different;
    this.keep(fingerprint, file);
    return { ok: true, message: `Your copy of “${song.title}” is ready.` };
  }

  /** Lists `file` as an own-copy song: fingerprinted, measured and named here; only those facts leave the device. */
  async add(file: File): Promise<CopyOutcome> {
    const fingerprint = await this.fingerprint(file, null);
    if (fingerprint === null) return { ok: false, message: `“${file.name}” could not be read.` };
    const duration = await this.reader.duration(file);
    if (duration === null) return { ok: false, message: `“${file.name}” is not audio this browser can play.` };
    const title = titleOf(file.name);
    const ack = await this.socket.request('playlist:add-local', {
      fingerprint,
      size: file.size,
      duration,
      title,
      artist: null,
      album: null,
    });
    if (!ack.ok) return { ok: false, message: ack.error.message };
    this.keep(fingerprint, file);
    return { ok: true, message: `“${ack.song.title}” is in the playlist; everyone else picks their own copy.` };
  }

  private async fingerprint(file: File, songId: string | null): Promise<string | null> {
    this._fingerprinting.set({ songId, name: file.name, fraction: 0 });
    try {
      return await this.reader.fingerprint(file, (fraction) =>
        this._fingerprinting.set({ songId, name: file.name, fraction }),
      );
    } catch {
      return null;
    } finally {
      this._fingerprinting.set(null);
    }
  }

  private keep(fingerprint: string, file: File, remember = true): void {
    if (this.files().get(fingerprint) === file) return;
    this.files.update((files) => new Map(files).set(fingerprint, file));
    if (remember) void this.memory.keep(fingerprint, file);
  }
}

/** A title from a file name: without its extension, never empty, at most 200 characters. */
export function titleOf(fileName: string): string {
  // eslint-disable-next-line no-control-regex
  const base = fileName.replace(/\.[^.]{1,5}$/, '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return (base || 'Untitled').slice(0, 200);
}
