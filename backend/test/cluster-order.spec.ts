import type { RoomSnapshot } from '@musync/protocol';

import { request, RoomMirror, song, type TestClient } from './harness.js';
import { until, useCluster } from './cluster.harness.js';

/**
 * Broadcasts of changes committed on two nodes within one Redis round trip can
 * reach a listener in either order. Every broadcast carries the room revision
 * and clients keep, per part, the newest (presence by chained deltas), so after
 * a burst of concurrent changes from both nodes every listener must show
 * exactly what a fresh snapshot shows.
 */
describe('scaled mode: concurrent changes on two nodes reach every listener in revision order', () => {
  const cluster = useCluster('each');

  it('after a burst from both nodes, every listener ends on the same revision, people and lists', async () => {
    await cluster().seedRoom('lobby', ['a', 'b', 'c', 'd', 'e'].map((id) => song(id)), 'a');
    const [a, b] = [await cluster().startNode(), await cluster().startNode()];
    const askers: TestClient[] = [];
    const ada = await cluster().enter(a!, 'Ada'); // admin
    const adaView = new RoomMirror(ada.client, ada.joined);
    const bob = await cluster().enter(b!, 'Bob');
    const listeners = [
      adaView,
      new RoomMirror(bob.client, bob.joined),
      ...(await Promise.all(
        [a!, b!, a!, b!].map(async (node, i) => {
          // Listening before the join, as the SPA does: deltas may overtake the join's answer.
          const client = await cluster().connect(node);
          askers.push(client);
          const mirror = new RoomMirror(client);
          const joined = await request(client, 'room:join', { roomId: 'lobby', username: `Listener ${i}` });
          if (!joined.ok) throw new Error(joined.error.message);
          mirror.begin(joined as unknown as RoomSnapshot);
          return mirror;
        }),
      )),
    ];
    const comers: TestClient[] = [];

    for (let round = 0; round < 3; round++) {
      await Promise.all([
        // Node A: the admin reorders the playlist and changes a setting.
        request(ada.client, 'playlist:move', { songId: 'a', toIndex: (round + 2) % 5 }),
        request(ada.client, 'playlist:move', { songId: 'e', toIndex: round % 5 }),
        request(ada.client, 'room:configure', { skipThreshold: round + 1 }),
        // Both nodes: requests at the same moment (one list, broadcast whole from each node), and chat.
        request(bob.client, 'requests:create', { title: `Wish ${round}` }),
        ...askers.map((client, i) => request(client, 'requests:create', { title: `Wish ${round}.${i}` })),
        request(bob.client, 'chat:send', { text: `round ${round}` }),
        // People come and go on both nodes at once.
        ...[a!, b!].map(async (node, i) => {
          const comer = await cluster().enter(node, `Comer ${round}-${i}`);
          comers.push(comer.client);
        }),
        ...comers.splice(0, 1).map((client) => client.disconnect()),
      ]);
    }

    // Quiet again once the leaves of the comers who went (one per round after the first) are through.
    const probe = await cluster().enter(b!, 'Probe');
    const probeView = new RoomMirror(probe.client, probe.joined);
    const expected = 2 + 4 + (6 - 2) + 1; // Ada, Bob, the listeners, the comers still here, the probe
    await until('the room to settle', () => probeView.presence.members.length === expected, 5000);
    const now = (await request(probe.client, 'room:snapshot', {})) as unknown as { ok: true } & RoomSnapshot;
    await until('every listener to hear the last change', () => listeners.every((m) => m.newest >= now.rev), 5000);

    for (const mirror of listeners) {
      expect(mirror.pending).toBe(0);
      expect(mirror.resyncs).toBe(0); // the deltas' order alone was enough
      expect(ids(mirror.presence.members)).toEqual(ids(now.presence.members));
      expect(mirror.presence.adminId).toBe(now.presence.adminId);
      expect(ids(mirror.parts.playlist)).toEqual(ids(now.playlist));
      expect(mirror.parts.settings).toEqual(now.settings);
      expect(mirror.parts.requests).toEqual(now.requests);
      expect(mirror.parts.skip).toEqual(now.skip);
      expect(mirror.parts.copies).toEqual(now.copies);
    }
    expect(now.requests).toHaveLength(3 * 5);
    expect(now.settings.skipThreshold).toBe(3);
  });
});

function ids(list: readonly { readonly id: string }[]): string[] {
  return list.map((x) => x.id);
}
