import { relayBatches, unpackBatch, type BatchedEvent, type RoomBatch, type RoomEventName } from './batch.js';

const joined: BatchedEvent = [
  'presence:joined',
  { member: { id: 'm1', personId: 'p1', name: 'Ann', joinedAt: 1 }, adminId: 'm1', since: 0, rev: 1 },
];
const notice: BatchedEvent = ['chat:line', { kind: 'notice', id: '1', at: 1, notice: { type: 'joined', name: 'Ann' }, rev: 1 }];
const skip: BatchedEvent = ['skip:updated', { songId: null, voterIds: [], needed: 1, rev: 1 }];

describe('unpacking a room batch', () => {
  it('hands every event, in the order it was sent', () => {
    const seen: string[] = [];
    unpackBatch({ events: [joined, notice, skip] } satisfies RoomBatch, (name, payload) => seen.push(`${name}@${payload.rev}`));
    expect(seen).toEqual(['presence:joined@1', 'chat:line@1', 'skip:updated@1']);
  });

  it('hands nothing from a malformed batch', () => {
    const seen: unknown[] = [];
    for (const bad of [null, {}, { events: 'x' }, { events: [['nope:event', {}]] }, { events: [['chat:line']] }]) {
      unpackBatch(bad, (...event) => seen.push(event));
    }
    expect(seen).toEqual([]);
  });
});

describe('relaying batches on a plain socket', () => {
  it("reaches the socket's own listeners of each event as if it had come alone", () => {
    const listeners = new Map<string, ((payload: never) => unknown)[]>();
    const socket = {
      on: (event: string, listener: (payload: never) => unknown) => listeners.set(event, [...(listeners.get(event) ?? []), listener]),
      listeners: (event: RoomEventName) => listeners.get(event) ?? [],
    };
    relayBatches(socket);
    const seen: string[] = [];
    socket.on('chat:line', (line: { id: string }) => seen.push(`line ${line.id}`));
    socket.on('presence:joined', (d: { rev: number }) => seen.push(`joined ${d.rev}`));
    for (const listener of listeners.get('room:batch')!) listener({ events: [joined, notice] } as never);
    expect(seen).toEqual(['joined 1', 'line 1']);
  });
});
