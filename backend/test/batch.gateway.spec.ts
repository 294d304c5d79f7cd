import type { ChatLine, RoomBatch } from '@musync/protocol';

import { enter, request, RoomMirror, RunningServer, song, type TestClient } from './harness.js';

/** Packets as they come off the wire, before a batch is unpacked. */
function countPackets(client: TestClient): { packets: string[]; events: () => number } {
  const packets: string[] = [];
  let events = 0;
  client.onAny((name: string, payload: unknown) => {
    packets.push(name);
    events += name === 'room:batch' ? (payload as RoomBatch).events.length : 1;
  });
  return { packets, events: () => events };
}

describe('a storm of joins over real sockets (coalesced broadcasts)', () => {
  const STORM = 40;
  let server: RunningServer;

  beforeEach(async () => {
    server = await RunningServer.start();
    await server.seed('lobby', [song('one'), song('two')]);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('leaves every member with the right people, notices and vote count, in fewer packets than events', async () => {
    const ada = await enter(server, 'Ada');
    expect((await request(ada.client, 'playback:select', { songId: 'one' })).ok).toBe(true);
    const adaView = new RoomMirror(ada.client, ada.joined);
    const wire = countPackets(ada.client);
    const notices: ChatLine[] = [];
    ada.client.on('chat:line', (line) => void notices.push(line));

    const clients = await Promise.all(Array.from({ length: STORM }, () => server.connect()));
    const acks = await Promise.all(clients.map((c, i) => request(c, 'room:join', { roomId: 'lobby', username: `Guest ${i}` })));
    expect(acks.every((a) => a.ok)).toBe(true);

    await adaView.until((p) => p.members.length === STORM + 1);
    const room = (await server.snapshot('lobby'))!;
    await until(() => adaView.newest >= room.rev);
    expect(adaView.presence).toEqual(room.presence);
    expect(adaView.parts.skip).toEqual(room.skip);
    expect(adaView.parts.skip.needed).toBeGreaterThan(ada.joined.skip.needed ?? Infinity);
    const joinedNames = notices.flatMap((l) => (l.kind === 'notice' && l.notice.type === 'joined' ? [l.notice.name] : []));
    expect(joinedNames.sort()).toEqual(Array.from({ length: STORM }, (_, i) => `Guest ${i}`).sort());
    // Each line once, in the room's order.
    const ids = notices.map((l) => Number(l.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);

    expect(wire.packets).toContain('room:batch');
    expect(wire.packets.length).toBeLessThan(wire.events());
    // Three broadcasts a join at most (presence, notice, vote count); far fewer packets.
    expect(wire.events()).toBeGreaterThanOrEqual(2 * STORM);
  });

  it('sends playback changes and typed chat lines alone and at once, after what the room held', async () => {
    const ada = await enter(server, 'Ada');
    expect((await request(ada.client, 'playback:select', { songId: 'one' })).ok).toBe(true);
    const bob = await enter(server, 'Bob');
    const wire = countPackets(bob.client);
    const order: string[] = [];
    bob.client.on('presence:joined', (d) => void order.push(`joined ${d.member.name}`));
    bob.client.on('playback:updated', () => void order.push('playback'));
    bob.client.on('chat:line', (l) => void (l.kind === 'message' && order.push(`says ${l.text}`)));

    const cy = await server.connect();
    // The join's broadcasts are held; the line and the pause right after it flush them, then go alone.
    expect((await request(cy, 'room:join', { roomId: 'lobby', username: 'Cy' })).ok).toBe(true);
    await request(ada.client, 'chat:send', { text: 'hello' });
    await request(ada.client, 'playback:pause', {});
    await until(() => order.length === 3);

    expect(order).toEqual(['joined Cy', 'says hello', 'playback']);
    expect(wire.packets.filter((p) => p === 'playback:updated')).toHaveLength(1);
    expect(wire.packets.filter((p) => p === 'chat:line')).toHaveLength(1);
  });
});

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
