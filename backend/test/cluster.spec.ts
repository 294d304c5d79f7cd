import type { Playback } from '@musync/protocol';

import { nextEvent, PresenceWatch, record, request, song, type TestClient } from './harness.js';
import { Cluster, until, useCluster } from './cluster.harness.js';

const songs = ['one', 'two', 'three'].map((id) => song(id));

describe('scaled mode: two nodes on one Redis serve one room', () => {
  const clusterOf = useCluster('each');
  let cluster: Cluster;

  beforeEach(async () => {
    cluster = clusterOf();
    await cluster.seedRoom('lobby', songs, 'one');
  });

  it('people on node A and node B see the same people, playlist, chat, requests and playback', async () => {
    const [a, b] = [await cluster.startNode(), await cluster.startNode()];
    const ada = await cluster.enter(a!, 'Ada');
    const adaWatch = new PresenceWatch(ada.client, ada.joined);
    const bob = await cluster.enter(b!, 'Bob');

    const presence = await adaWatch.until((p) => p.members.length === 2);
    expect(bob.joined.presence).toEqual(presence);
    expect(presence.adminId).toBe(ada.joined.memberId);
    expect(bob.joined.playlist.map((s) => s.id)).toEqual(['one', 'two', 'three']);

    const line = nextEvent(ada.client, 'chat:line', (l) => l.kind === 'message');
    expect((await request(bob.client, 'chat:send', { text: 'hello from B' })).ok).toBe(true);
    expect(await line).toMatchObject({ kind: 'message', name: 'Bob', text: 'hello from B' });

    const asked = nextEvent(ada.client, 'requests:updated', (u) => u.requests.length === 1);
    expect((await request(bob.client, 'requests:create', { title: 'Blue Monday' })).ok).toBe(true);
    expect((await asked).requests[0]).toMatchObject({ title: 'Blue Monday', requester: 'Bob' });

    const listed = nextEvent(bob.client, 'playlist:updated');
    expect((await request(ada.client, 'playlist:remove', { songId: 'three' })).ok).toBe(true);
    expect((await listed).songs.map((s) => s.id)).toEqual(['one', 'two']);

    // A new song waits for everyone to load it: a barrier crossing both nodes.
    const adaPlaying = nextEvent(ada.client, 'playback:updated', (p) => p.status === 'playing');
    const bobPlaying = nextEvent(bob.client, 'playback:updated', (p) => p.status === 'playing');
    const played = await request(bob.client, 'playback:next', { fromSongId: 'one' });
    expect(played.ok).toBe(true);
    const loading = (played as unknown as { playback: Playback }).playback;
    expect(loading.status).toBe('loading');
    await request(ada.client, 'playback:ready', { songId: loading.songId });
    await request(bob.client, 'playback:ready', { songId: loading.songId });
    expect(await adaPlaying).toEqual(await bobPlaying);
  });

  it('an admin claimed on A and a passcode set on A hold for joins on B (the state lives in Redis)', async () => {
    const env = { ADMIN_PASSWORD: 'correct horse battery' };
    const [a, b] = [await cluster.startNode(env), await cluster.startNode(env)];
    const ada = await cluster.enter(a!, 'Ada');
    expect(ada.joined.presence.adminId).toBeNull();
    expect(await request(ada.client, 'admin:claim', { password: 'correct horse battery' })).toMatchObject({ ok: true });
    expect(await request(ada.client, 'room:configure', { passcode: 'open sesame' })).toMatchObject({ ok: true });

    const cy = await cluster.connect(b!);
    expect(await request(cy, 'room:join', { roomId: 'lobby', username: 'Cy' })).toMatchObject({
      ok: false,
      error: { code: 'PASSCODE_REQUIRED' },
    });
    const joined = await request(cy, 'room:join', { roomId: 'lobby', username: 'Cy', passcode: 'open sesame' });
    expect(joined).toMatchObject({
      ok: true,
      adminClaimable: true,
      settings: { hasPasscode: true },
      presence: { adminId: ada.joined.memberId },
    });
    expect(JSON.stringify(joined)).not.toContain('open sesame');
  });

  it('play on A and pause on B a millisecond apart end in one consistent state everywhere', async () => {
    const [a, b] = [await cluster.startNode(), await cluster.startNode()];
    const ada = await cluster.enter(a!, 'Ada');
    const bob = await cluster.enter(b!, 'Bob');
    expect(ada.joined.playback).toMatchObject({ songId: 'one', status: 'paused' });

    const seen = { ada: [] as Playback[], bob: [] as Playback[] };
    ada.client.on('playback:updated', (p) => seen.ada.push(p));
    bob.client.on('playback:updated', (p) => seen.bob.push(p));
    for (let round = 0; round < 6; round++) {
      const from = { ada: seen.ada.length, bob: seen.bob.length };
      // Alternate which command leaves first; both are in flight together.
      const [first, second] = round % 2 === 0 ? [ada.client, bob.client] : [bob.client, ada.client];
      const play = request(first, 'playback:play', {});
      await new Promise((resolve) => setTimeout(resolve, 1));
      const pause = request(second, 'playback:pause', {});
      const acks = await Promise.all([play, pause]);
      expect(acks.map((ack) => ack.ok)).toEqual([true, true]);

      // Whatever order they landed in, a newcomer on either node and both listeners end on one state.
      const final = await snapshotPlayback(cluster, round % 2 === 0 ? a! : b!);
      expect(await snapshotPlayback(cluster, round % 2 === 0 ? b! : a!)).toEqual(final);
      // A client keeps the highest version it heard (room-session.ts): changes made on two nodes
      // within a Redis round trip may arrive in either order, never with different contents.
      const heard = (list: Playback[], since: number) => list.slice(since).sort((x, y) => x.version - y.version);
      await until('both listeners hear the last change', () =>
        [heard(seen.ada, from.ada), heard(seen.bob, from.bob)].every((h) => (h.at(-1)?.version ?? final.version) === final.version),
      );
      // Both heard the same changes, each a new version, the last being what a newcomer gets.
      expect(heard(seen.ada, from.ada)).toEqual(heard(seen.bob, from.bob));
      const versions = heard(seen.ada, from.ada).map((p) => p.version);
      expect(new Set(versions).size).toBe(versions.length);
      expect(heard(seen.ada, from.ada).at(-1) ?? final).toMatchObject(final);
      // Leave the room paused for the next round, once everyone heard it.
      if (final.status !== 'paused') {
        await request(ada.client, 'playback:pause', {});
        const last = (list: Playback[]) => heard(list, 0).at(-1);
        await until('the pause reaches both', () => last(seen.ada)?.status === 'paused' && last(seen.bob)?.status === 'paused');
      }
    }
  });

  it('a command from each node at the same moment is applied once each: no chat line is lost', async () => {
    const [a, b] = [await cluster.startNode(), await cluster.startNode()];
    const talkers: TestClient[] = [];
    for (const [i, node] of [a!, b!, a!, b!].entries()) talkers.push((await cluster.enter(node, `T${i}`)).client);
    const lines = record(talkers[0]!, 'chat:line');
    await Promise.all(talkers.map((t, i) => request(t, 'chat:send', { text: `line ${i}` })));
    const said = (await lines.stop()).filter((l) => l.kind === 'message');
    expect(said.map((l) => (l.kind === 'message' ? l.text : '')).sort()).toEqual(['line 0', 'line 1', 'line 2', 'line 3']);
    // Line ids come from one counter: four lines, four ids.
    expect(new Set(said.map((l) => l.id)).size).toBe(4);
    const late = await cluster.enter(b!, 'Late');
    expect(late.joined.chat.filter((l) => l.kind === 'message')).toHaveLength(4);
  });
});

/** The playback a fresh member of the room receives. */
async function snapshotPlayback(cluster: Cluster, node: Parameters<Cluster['enter']>[0]): Promise<Playback> {
  const checker = await cluster.enter(node, 'Checker');
  checker.client.disconnect();
  return checker.joined.playback;
}

