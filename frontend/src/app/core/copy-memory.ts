import { Service } from '@angular/core';

const DATABASE = 'musync-own-copies';
const STORE = 'copies';
/** Names this tab's session: sessionStorage survives a reload, not the tab. */
const SESSION_KEY = 'musync.copy-session';

interface KeptCopy {
  readonly fingerprint: string;
  readonly session: string;
  readonly file: File;
}

/**
 * Remembers the checked own-copy files of this tab's session in IndexedDB, so
 * a reload finds them again. Chromium keeps a File stored there readable
 * without asking again (it keeps its own copy of the bytes); copies of other,
 * closed sessions are deleted the next time the page loads. Where IndexedDB is
 * missing or refuses, nothing is remembered and the listener picks again.
 */
@Service()
export class CopyMemory {
  private readonly session = sessionId();
  private database: Promise<IDBDatabase | null> | null = null;

  /** This session's copies, by fingerprint (the other sessions' are dropped on the way). */
  async load(): Promise<Map<string, File>> {
    const kept = new Map<string, File>();
    const database = await this.open();
    if (!database) return kept;
    try {
      const all = await done<KeptCopy[]>(database.transaction(STORE).objectStore(STORE).getAll());
      const store = database.transaction(STORE, 'readwrite').objectStore(STORE);
      for (const copy of all) {
        if (copy.session === this.session) kept.set(copy.fingerprint, copy.file);
        else store.delete(copy.fingerprint);
      }
    } catch {
      // Unreadable: as if nothing was kept.
    }
    return kept;
  }

  async keep(fingerprint: string, file: File): Promise<void> {
    const database = await this.open();
    if (!database) return;
    const copy: KeptCopy = { fingerprint, session: this.session, file };
    await done(database.transaction(STORE, 'readwrite').objectStore(STORE).put(copy)).catch(() => undefined);
  }

  private open(): Promise<IDBDatabase | null> {
    this.database ??= new Promise((resolve) => {
      if (typeof indexedDB === 'undefined') return resolve(null);
      try {
        const request = indexedDB.open(DATABASE, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'fingerprint' });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
      } catch {
        resolve(null);
      }
    });
    return this.database;
  }
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

function sessionId(): string {
  try {
    const existing = sessionStorage.getItem(SESSION_KEY);
    if (existing) return existing;
    const created = crypto.randomUUID();
    sessionStorage.setItem(SESSION_KEY, created);
    return created;
  } catch {
    return 'no-session-storage';
  }
}
