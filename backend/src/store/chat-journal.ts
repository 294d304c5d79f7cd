import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';

import type { ChatLine } from '@musync/protocol';

import { ChatLineSchema } from './chat-line.schema.js';

/**
 * A segment is closed and checkpointed once it holds this much: the rooms it
 * names are written whole, then it is deleted. It bounds the journal on disk
 * and the replay after a crash (16 MiB parse in well under a second); at 200
 * rooms × 10 saying a line each every ~0.1 s (the fan-out bench) that is one
 * checkpoint every ~30 s.
 */
export const JOURNAL_SEGMENT_BYTES = 16 * 1024 * 1024;

/** Where a data directory's chat journal lives (beside `rooms/`, which holds one file per room). */
export const journalDirOf = (dataDir: string): string => join(dataDir, 'chat-journal');

const SEGMENT = /^chat-\d+-\d+\.jsonl$/;
const ROOM_ID = /^[A-Za-z0-9_-]+$/;

/** One record of a segment: a room and a line it said. */
type Entry = readonly [roomId: string, line: ChatLine];

/**
 * Writes a closed segment's rooms whole (their files then hold every line the
 * segment holds); resolves false where a room could not be written, and the
 * segment is kept for the replay at the next start.
 */
export type Checkpoint = (roomIds: ReadonlySet<string>) => Promise<boolean>;

interface Segment {
  readonly path: string;
  readonly file: FileHandle;
  bytes: number;
  readonly rooms: Set<string>;
}

/**
 * The embedded store's chat, appended rather than rewritten: each line is one
 * JSON record in a shared append-only segment, and all the lines of every
 * room that came in within `delayMs` go to disk in one write and one
 * fdatasync (group commit). A room's file is rewritten only when its songs,
 * settings, requests or playback change, when it leaves memory, and at a
 * checkpoint; before the journal, every room with a new line was rewritten
 * whole (history included) and fsynced twice every `delayMs`, ~0.27 ms of
 * server CPU per line at 200 rooms × 10 (docs/benchmarks.md, "Chat journal,
 * plain event binding, 16 MiB semi-spaces").
 * What a crash loses is what had not reached its fdatasync: at most `delayMs`.
 */
export class ChatJournal {
  private readonly pending: string[] = [];
  private readonly pendingRooms = new Set<string>();
  private segment: Segment | null = null;
  private opening: Promise<Segment> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private readonly checkpoints = new Set<Promise<void>>();
  private count = 0;

  constructor(
    private readonly dir: string,
    private readonly delayMs: number,
    private readonly checkpoint: Checkpoint,
    private readonly failed: (error: unknown) => void,
    private readonly segmentBytes = JOURNAL_SEGMENT_BYTES,
  ) {}

  /** Records a room's new lines; on disk within `delayMs`. */
  append(roomId: string, lines: readonly ChatLine[]): void {
    if (lines.length === 0) return;
    for (const line of lines) this.pending.push(`${JSON.stringify([roomId, line] satisfies Entry)}\n`);
    this.pendingRooms.add(roomId);
    this.schedule();
  }

  /** Resolves once every line appended so far is on disk. */
  async flush(): Promise<void> {
    while (this.pending.length > 0 || this.writing) {
      if (!this.writing) this.write();
      await this.writing;
    }
  }

  /**
   * Writes every room the journal names whole and empties the journal
   * (graceful stop, tests): afterwards the room files alone hold everything.
   */
  async checkpointAll(): Promise<void> {
    await this.flush();
    if (this.segment) this.close(this.segment);
    while (this.checkpoints.size > 0) await Promise.all(this.checkpoints);
  }

  private schedule(): void {
    if (this.timer || this.writing) return; // the write in flight schedules the next when done
    // Unref'd: waiting lines never hold the process open; a graceful stop checkpoints.
    this.timer = setTimeout(() => {
      this.timer = null;
      this.write();
    }, this.delayMs).unref();
  }

  private write(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const text = this.pending.splice(0).join('');
    const rooms = new Set(this.pendingRooms);
    this.pendingRooms.clear();
    this.writing = (async () => {
      const segment = await this.current();
      try {
        await segment.file.write(text);
        await segment.file.datasync();
      } catch (error) {
        // The segment may end in a torn record now (the replay skips it): the
        // lines go again, into a fresh segment, with the next write.
        this.close(segment);
        throw error;
      }
      segment.bytes += Buffer.byteLength(text);
      for (const roomId of rooms) segment.rooms.add(roomId);
      if (segment.bytes >= this.segmentBytes) this.close(segment);
    })()
      .catch((error: unknown) => {
        this.pending.unshift(text);
        for (const roomId of rooms) this.pendingRooms.add(roomId);
        this.failed(error);
      })
      .finally(() => {
        this.writing = null;
        if (this.pending.length > 0) this.schedule();
      });
  }

  private current(): Promise<Segment> {
    if (this.segment) return Promise.resolve(this.segment);
    this.opening ??= (async () => {
      await mkdir(this.dir, { recursive: true });
      const path = join(this.dir, `chat-${Date.now()}-${this.count++}.jsonl`);
      const segment = { path, file: await open(path, 'a'), bytes: 0, rooms: new Set<string>() };
      this.segment = segment;
      return segment;
    })().finally(() => (this.opening = null));
    return this.opening;
  }

  /** Closes a full segment (the next write opens another) and checkpoints it in the background. */
  private close(segment: Segment): void {
    this.segment = null;
    const done = (async () => {
      await segment.file.close();
      if (await this.checkpoint(segment.rooms)) await rm(segment.path, { force: true });
    })()
      .catch(this.failed)
      .finally(() => this.checkpoints.delete(done));
    this.checkpoints.add(done);
  }
}

/**
 * Reads what an earlier run left in the journal, hands each room's lines (in
 * id order, each once) to `fold`, which writes them into the room's file, then
 * deletes the segments. A record that does not parse (a write torn by a crash)
 * is skipped. Runs before any room is read.
 */
export async function replayJournal(dir: string, fold: (roomId: string, lines: readonly ChatLine[]) => Promise<void>): Promise<number> {
  const names = (
    await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return []; // never written: nothing to replay
      throw error;
    })
  ).filter((name) => SEGMENT.test(name));
  const rooms = new Map<string, Map<string, ChatLine>>();
  for (const name of names) {
    for (const record of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      const entry = parseEntry(record);
      if (!entry) continue;
      const [roomId, line] = entry;
      const lines = rooms.get(roomId) ?? new Map<string, ChatLine>();
      lines.set(line.id, line);
      rooms.set(roomId, lines);
    }
  }
  for (const [roomId, lines] of rooms) await fold(roomId, [...lines.values()].sort((a, b) => Number(a.id) - Number(b.id)));
  for (const name of names) await rm(join(dir, name), { force: true });
  return [...rooms.values()].reduce((sum, lines) => sum + lines.size, 0);
}

function parseEntry(record: string): Entry | null {
  if (record === '') return null;
  try {
    const [roomId, line] = JSON.parse(record) as [unknown, unknown];
    const parsed = ChatLineSchema.safeParse(line);
    return typeof roomId === 'string' && ROOM_ID.test(roomId) && parsed.success && /^\d+$/.test(parsed.data.id) ? [roomId, parsed.data] : null;
  } catch {
    return null;
  }
}
