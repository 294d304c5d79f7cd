import { unpackBatch } from '@musync/protocol';

import { BATCH_WINDOW_MS, RoomBatcher, type BatchTimer, type RoomPacket } from './room-batcher.js';
import { joining, member, room, song } from './room.spec-kit.js';
import { apply, type RoomCommand, type RoomEvent, type RoomState } from './room.state.js';

/** A timer the spec fires by hand: no waiting, no timed assertions. */
class HandTimer implements BatchTimer {
  readonly armed = new Map<number, { fire: () => void; ms: number }>();
  private next = 0;

  start(fire: () => void, ms: number): number {
    this.armed.set(++this.next, { fire, ms });
    return this.next;
  }

  cancel(handle: unknown): void {
    this.armed.delete(handle as number);
  }

  /** The window ends for every room that holds something. */
  elapse(): void {
    for (const [handle, { fire }] of [...this.armed]) {
      this.armed.delete(handle);
      fire();
    }
  }
}

/** A room's life as a sequence of changes, each one's broadcasts stamped as the server sends them. */
class Room {
  constructor(public state: RoomState) {}

  change(command: RoomCommand, who: string | 'system' = 'system'): RoomEvent[] {
    const result = apply(this.state, command, who === 'system' ? 'system' : member(who), 200_000);
    this.state = result.state;
    return [...result.events];
  }
}

function setup(names = ['Ann']) {
  const timer = new HandTimer();
  const sent: { roomId: string; packet: RoomPacket }[] = [];
  const batcher = new RoomBatcher((roomId, packet) => sent.push({ roomId, packet }), BATCH_WINDOW_MS, timer);
  const lobby = new Room(room(names, [song('a'), song('b')]));
  return { timer, sent, batcher, lobby };
}

/** What a client hears, a batch unpacked: `name@rev` in arrival order. */
function heard(sent: readonly { packet: RoomPacket }[]): string[] {
  return sent.flatMap(({ packet }) => {
    if (packet.name !== 'room:batch') return [`${packet.name}@${packet.payload.rev}`];
    const inside: string[] = [];
    unpackBatch(packet.payload, (name, payload) => inside.push(`${name}@${payload.rev}`));
    return inside;
  });
}

const sequence = (events: readonly RoomEvent[]): string[] => events.map((e) => `${e.name}@${e.payload.rev}`);

describe('coalescing room broadcasts', () => {
  it('holds what can wait for one window, then sends it as one packet in order', () => {
    const { timer, sent, batcher, lobby } = setup();
    const all: RoomEvent[] = [];
    for (const name of ['Bob', 'Cat', 'Dan', 'Eve']) {
      const events = lobby.change(joining(name), name.toLowerCase());
      all.push(...events);
      void batcher.publish('lobby', events);
    }
    expect(sent).toEqual([]);
    expect([...timer.armed.values()].map((t) => t.ms)).toEqual([BATCH_WINDOW_MS]);

    timer.elapse();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.packet.name).toBe('room:batch');
    expect(sent[0]!.roomId).toBe('lobby');
    // Every presence delta and notice arrives, in order (the skip counts collapse: next test).
    expect(heard(sent).filter((e) => !e.startsWith('skip:'))).toEqual(sequence(all).filter((e) => !e.startsWith('skip:')));
    expect(batcher.holding).toBe(0);
  });

  it('sends a lone broadcast as itself, not wrapped in a batch', () => {
    const { timer, sent, batcher, lobby } = setup();
    const [added] = lobby.change({ type: 'playlist:add', song: song('c') }).filter((e) => e.name === 'playlist:updated');
    void batcher.publish('lobby', [added!]);
    timer.elapse();
    expect(sent.map((s) => s.packet)).toEqual([added]);
  });

  it('flushes what a room holds before an urgent broadcast, which then goes at once', () => {
    const { timer, sent, batcher, lobby } = setup();
    const join = lobby.change(joining('Bob'), 'bob');
    void batcher.publish('lobby', join);
    const line = lobby.change({ type: 'chat:send', text: 'hello' }, 'ann');
    void batcher.publish('lobby', line);
    expect(sent.map((s) => s.packet.name)).toEqual(['room:batch', 'chat:line']);
    expect(heard(sent)).toEqual(sequence([...join, ...line]));
    expect(timer.armed.size).toBe(0);

    const cat = lobby.change(joining('Cat'), 'cat');
    void batcher.publish('lobby', cat);
    const play = lobby.change({ type: 'playback:select', songId: 'b' }, 'ann');
    expect(play.length).toBeGreaterThan(1);
    expect(play.some((e) => e.name === 'playback:updated')).toBe(true);
    void batcher.publish('lobby', play);
    // The change with playback:updated goes whole and at once, the held join before it.
    expect(batcher.holding).toBe(0);
    expect(sent.slice(2).map((s) => s.packet.name)).toContain('playback:updated');
    expect(sent.filter((s) => s.packet.name === 'playback:updated').map((s) => s.packet.name)).toHaveLength(1);
    expect(heard(sent)).toEqual(sequence([...join, ...line, ...cat, ...play]));
  });

  it('answers a held change once it is sent, an urgent one at once', async () => {
    const { timer, batcher, lobby } = setup();
    let told = false;
    const held = batcher.publish('lobby', lobby.change(joining('Bob'), 'bob')).then(() => (told = true));
    await Promise.resolve();
    expect(told).toBe(false);
    timer.elapse();
    await held;
    expect(told).toBe(true);
    await expect(batcher.publish('lobby', lobby.change({ type: 'chat:send', text: 'hi' }, 'ann'))).resolves.toBeUndefined();
    expect(batcher.holding).toBe(0);
  });

  it('keeps a notice (a chat line nobody typed) waiting, a typed line not', () => {
    const { sent, batcher, lobby } = setup();
    const join = lobby.change(joining('Bob'), 'bob');
    expect(join.some((e) => e.name === 'chat:line' && e.payload.kind === 'notice')).toBe(true);
    void batcher.publish('lobby', join);
    expect(sent).toEqual([]);
  });

  it('sends only the newest of a part sent whole, at its place; presence and chat are never dropped', () => {
    const { timer, sent, batcher, lobby } = setup(['Ann', 'Bob', 'Cat']);
    lobby.change({ type: 'playback:select', songId: 'a' }, 'ann');
    const events = [
      ...lobby.change({ type: 'playback:vote-skip', songId: 'a' }, 'bob'),
      ...lobby.change(joining('Dan'), 'dan'),
      ...lobby.change(joining('Eve'), 'eve'),
    ];
    const skips = events.filter((e) => e.name === 'skip:updated');
    expect(skips.length).toBeGreaterThan(1);
    void batcher.publish('lobby', events);
    timer.elapse();

    const got = heard(sent);
    const last = skips.at(-1)!;
    expect(got.filter((e) => e.startsWith('skip:'))).toEqual([`skip:updated@${last.payload.rev}`]);
    expect(got).toEqual(sequence(events.filter((e) => e.name !== 'skip:updated' || e === last)));
  });

  it('keeps an earlier whole part that is newer than a later one (never loses the newest)', () => {
    const { timer, sent, batcher, lobby } = setup();
    const [newer] = lobby.change({ type: 'playlist:add', song: song('c') }).filter((e) => e.name === 'playlist:updated');
    const older = { ...newer!, payload: { ...newer!.payload, rev: newer!.payload.rev - 1 } } as RoomEvent;
    void batcher.publish('lobby', [newer!, older]);
    timer.elapse();
    expect(heard(sent)).toEqual(sequence([newer!, older]));
  });

  it('holds each room apart, and flushes them all on shutdown', () => {
    const { timer, sent, batcher, lobby } = setup();
    const other = new Room(room(['Zed']));
    const here = lobby.change(joining('Bob'), 'bob');
    const there = other.change(joining('Yan'), 'yan');
    void batcher.publish('lobby', here);
    void batcher.publish('other', there);
    expect(batcher.holding).toBe(2);

    batcher.flushAll();
    expect(sent.map((s) => s.roomId)).toEqual(['lobby', 'other']);
    expect(heard(sent.filter((s) => s.roomId === 'other'))).toEqual(sequence(there));
    expect(timer.armed.size).toBe(0);
    timer.elapse();
    expect(sent).toHaveLength(2);
  });
});
