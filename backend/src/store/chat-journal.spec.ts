import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ChatLine } from '@musync/protocol';

import { ChatJournal, replayJournal, type Checkpoint } from './chat-journal.js';

const line = (id: number, text = `line ${id}`): ChatLine => ({
  kind: 'message',
  id: String(id),
  at: 1_000 + id,
  personId: 'p1',
  name: 'Ada',
  admin: false,
  text,
});

/** What a replay hands over, room by room. */
async function replayed(dir: string): Promise<Record<string, string[]>> {
  const rooms: Record<string, string[]> = {};
  await replayJournal(dir, async (roomId, lines) => {
    rooms[roomId] = lines.map((l) => l.id);
  });
  return rooms;
}

describe('ChatJournal', () => {
  let dir: string;
  const checkpointed: ReadonlySet<string>[] = [];
  let checkpointAnswer = true;
  const checkpoint: Checkpoint = async (rooms) => {
    checkpointed.push(new Set(rooms));
    return checkpointAnswer;
  };
  const failures: unknown[] = [];
  const opened: ChatJournal[] = [];
  const journal = (delayMs: number, segmentBytes?: number): ChatJournal => {
    const j = new ChatJournal(dir, delayMs, checkpoint, (error) => failures.push(error), segmentBytes);
    opened.push(j);
    return j;
  };
  const segments = async (): Promise<string[]> => (await readdir(dir).catch(() => [])).sort();

  beforeEach(async () => {
    dir = join(await mkdtemp(join(tmpdir(), 'musync-journal-')), 'chat-journal');
    checkpointed.length = 0;
    checkpointAnswer = true;
    failures.length = 0;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((j) => j.checkpointAll())); // closes their segments
    await rm(join(dir, '..'), { recursive: true, force: true });
  });

  it('writes the lines of every room that came in within the delay together, and nothing before', async () => {
    const j = journal(60_000);
    j.append('jazz', [line(1)]);
    j.append('lobby', [line(7), line(8)]);
    j.append('jazz', [line(2)]);
    j.append('jazz', []);
    expect(await segments()).toEqual([]); // waiting out the delay
    await j.flush();
    const [segment, ...more] = await segments();
    expect(more).toEqual([]);
    const records = (await readFile(join(dir, segment!), 'utf8')).trimEnd().split('\n');
    expect(records.map((r) => JSON.parse(r) as [string, ChatLine]).map(([room, l]) => `${room}:${l.id}`)).toEqual([
      'jazz:1',
      'lobby:7',
      'lobby:8',
      'jazz:2',
    ]);
    expect(failures).toEqual([]);
  });

  it('is on disk within the delay without a flush', async () => {
    journal(20).append('jazz', [line(1)]);
    const onDisk = async (): Promise<string> => {
      const [segment] = await segments();
      return segment ? readFile(join(dir, segment), 'utf8') : '';
    };
    for (let i = 0; i < 100 && !(await onDisk()).includes('"jazz"'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await onDisk()).toContain('"jazz"');
  });

  it('replays each room’s lines once, in id order, skipping a record torn by a crash, then deletes the segments', async () => {
    const j = journal(0);
    j.append('jazz', [line(3), line(4)]);
    j.append('jazz', [line(5)]);
    await j.flush();
    const [segment] = await segments();
    // A line written twice (a write retried after a failure) and a crash mid-record:
    await appendFile(join(dir, segment!), `${JSON.stringify(['jazz', line(4)])}\n["lobby",{"kind":"mess`);
    expect(await replayed(dir)).toEqual({ jazz: ['3', '4', '5'] });
    expect(await segments()).toEqual([]);
  });

  it('replays nothing from a journal never written, and refuses one it cannot read rather than lose its lines', async () => {
    expect(await replayed(dir)).toEqual({}); // no directory yet
    // Something other than a directory where the journal should be (root reads any mode, so not chmod):
    await writeFile(dir, 'not a directory');
    await expect(replayed(dir)).rejects.toMatchObject({ code: 'ENOTDIR' });
    expect(await readFile(dir, 'utf8')).toBe('not a directory');
  });

  it('refuses records that are not chat lines of a valid room', async () => {
    const j = journal(0);
    j.append('jazz', [line(1)]);
    await j.flush();
    const [segment] = await segments();
    const bad = [
      JSON.stringify(['../etc', line(2)]),
      JSON.stringify(['jazz', { ...line(3), kind: 'html' }]),
      JSON.stringify(['jazz', { ...line(4), id: 'x' }]),
      JSON.stringify({ room: 'jazz' }),
      'not json',
    ];
    await appendFile(join(dir, segment!), `${bad.join('\n')}\n`);
    expect(await replayed(dir)).toEqual({ jazz: ['1'] });
  });

  it('closes a full segment, has its rooms written whole, then deletes it', async () => {
    const j = journal(0, 200);
    j.append('jazz', [line(1, 'x'.repeat(150))]);
    j.append('lobby', [line(1, 'x'.repeat(150))]);
    await j.flush();
    j.append('jazz', [line(2)]);
    await j.flush();
    await j.checkpointAll();
    expect(checkpointed.map((rooms) => [...rooms].sort())).toEqual([['jazz', 'lobby'], ['jazz']]);
    expect(await segments()).toEqual([]);
  });

  it('keeps a segment whose rooms could not be written whole, for the next start to replay', async () => {
    const j = journal(0);
    j.append('jazz', [line(1)]);
    checkpointAnswer = false;
    await j.checkpointAll();
    expect(checkpointed.map((rooms) => [...rooms])).toEqual([['jazz']]);
    expect(await replayed(dir)).toEqual({ jazz: ['1'] });
  });
});
