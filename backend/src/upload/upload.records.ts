import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

import * as z from 'zod';

import { readIfExists, writeFileAtomic } from '../store/atomic-file.js';

/**
 * What must survive a restart for an upload to resume. The offset is not kept:
 * the temp file's length is the truth (written bytes that never got their ack
 * are simply not re-sent).
 */
const UploadRecordSchema = z.object({
  format: z.literal(1),
  id: z.uuid(),
  roomId: z.string().min(1),
  name: z.string().min(1),
  size: z.number().int().positive(),
  type: z.string().nullable(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).nullable(),
});
export type UploadRecord = Readonly<z.infer<typeof UploadRecordSchema>>;

/** How old a stray file must be before it counts as junk (a node starting an upload writes its part, then its record). */
const JUNK_AGE_MS = 60_000;

/** Unfinished uploads under DATA_DIR/uploads: `<id>.json` (the record, written atomically) and `<id>.part` (the bytes). */
export class UploadRecords {
  constructor(readonly dir: string) {}

  partPath(id: string): string {
    return join(this.dir, `${id}.part`);
  }

  async save(record: UploadRecord): Promise<void> {
    await writeFileAtomic(join(this.dir, `${record.id}.json`), JSON.stringify(record));
  }

  async remove(id: string): Promise<void> {
    await rm(this.partPath(id), { force: true });
    await rm(join(this.dir, `${id}.json`), { force: true });
  }

  /**
   * Every readable record. With `tidy`, anything else in the directory (orphan
   * parts, torn temp files, junk) older than a minute is deleted: younger files
   * may be another node's upload being started on the shared DATA_DIR.
   */
  async loadAll({ tidy = true } = {}): Promise<UploadRecord[]> {
    await mkdir(this.dir, { recursive: true });
    const names = await readdir(this.dir);
    const records: UploadRecord[] = [];
    for (const name of names.filter((n) => n.endsWith('.json'))) {
      const parsed = UploadRecordSchema.safeParse(safeJson(await readIfExists(join(this.dir, name))));
      if (parsed.success && name === `${parsed.data.id}.json`) records.push(parsed.data);
    }
    if (!tidy) return records;
    const kept = new Set(records.flatMap((r) => [`${r.id}.json`, `${r.id}.part`]));
    for (const name of names.filter((n) => !kept.has(n))) {
      const path = join(this.dir, name);
      const age = Date.now() - ((await stat(path).catch(() => null))?.mtimeMs ?? 0);
      if (age > JUNK_AGE_MS) await rm(path, { force: true, recursive: true });
    }
    return records;
  }
}

function safeJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
