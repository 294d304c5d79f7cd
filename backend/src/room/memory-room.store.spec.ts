import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ServerClock } from '../clock/server-clock.js';
import { parseConfig } from '../config/config.js';
import { RoomPersistence, type PersistedRoom } from '../store/room-persistence.js';
import { MemoryRoomStore } from './memory-room.store.js';
import { joining, member } from './room.spec-kit.js';

/** Room files in memory, whose writes wait until `release()` (a slow disk). */
class SlowDisk extends RoomPersistence {
  readonly files = new Map<string, PersistedRoom>();
  private opened: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.opened = resolve));

  release(): void {
    this.opened();
  }

  async load(roomId: string): Promise<PersistedRoom | null> {
    return this.files.get(roomId) ?? null;
  }

  async save(roomId: string, room: PersistedRoom): Promise<void> {
    await this.gate;
    this.files.set(roomId, room);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()];
  }
}

describe('MemoryRoomStore', () => {
  let journalDir: string;

  beforeEach(async () => {
    journalDir = join(await mkdtemp(join(tmpdir(), 'musync-store-')), 'chat-journal');
  });

  afterEach(async () => {
    await rm(join(journalDir, '..'), { recursive: true, force: true });
  });

  it('brings back an emptied room’s chat even while its last write is still on the way to disk', async () => {
    const disk = new SlowDisk();
    const store = new MemoryRoomStore(new ServerClock(), disk, parseConfig({}), journalDir);
    await store.apply('talk', joining('Ada'), member('ada'));
    await store.apply('talk', { type: 'chat:send', text: 'anyone here?' }, member('ada'));
    await store.apply('talk', { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada'));
    expect(disk.files.size).toBe(0); // nothing written yet, and the room has left memory

    const back = store.apply('talk', joining('Bob'), member('bob'));
    setTimeout(() => disk.release(), 20);
    const { state } = await back;
    expect(state.chat.map((l) => (l.kind === 'message' ? l.text : l.notice.type))).toEqual([
      'joined',
      'admin',
      'anyone here?',
      'left',
      'joined',
      'admin',
    ]);
    await store.flush();
    expect(disk.files.get('talk')?.chat).toEqual(state.chat);
  });

  it('keeps a room with only requests on disk after everyone left', async () => {
    const disk = new SlowDisk();
    disk.release();
    const store = new MemoryRoomStore(new ServerClock(), disk, parseConfig({}), journalDir);
    await store.apply('req', joining('Ada'), member('ada'));
    const ask = { type: 'requests:create', requestId: 'r1', title: 'Blue Monday', artist: null, note: null } as const;
    await store.apply('req', ask, member('ada'));
    await store.apply('req', { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada'));
    await store.flush();
    expect(disk.files.get('req')?.requests.map((r) => r.title)).toEqual(['Blue Monday']);
    expect((await store.get('req'))?.requests.map((r) => r.title)).toEqual(['Blue Monday']);
  });
});
