import { READY_BARRIER_MS, type Playback } from '@musync/protocol';

import { nextEvent, PresenceWatch, request, song } from './harness.js';
import { until, useCluster } from './cluster.harness.js';
import { HEARTBEAT_TTL_MS, SWEEP_MS } from '../src/cluster/node-presence.js';
import { LATE_MS as WAKEUP_LATE_MS, POLL_MS as WAKEUP_POLL_MS } from '../src/cluster/redis-wakeup-ledger.js';

const songs = ['one', 'two', 'three'].map((id) => song(id));
/** The documented bound for a crashed node's members to be gone (docs/architecture.md, Scaled mode). */
const DEAD_NODE_BOUND_MS = 10_000;

describe('scaled mode survives faults', () => {
  const cluster = useCluster('each');

  it('kill -9 a node during playback: its people come back through the other node, the admin is re-elected, playback goes on', async () => {
    expect(HEARTBEAT_TTL_MS + SWEEP_MS).toBeLessThanOrEqual(DEAD_NODE_BOUND_MS);
    await cluster().seedRoom('lobby', songs, 'one');
    const [a, b] = [await cluster().startNode(), await cluster().startNode()];
    const ada = await cluster().enter(a!, 'Ada', 'lobby', 'ada-browser-token-01');
    const bob = await cluster().enter(b!, 'Bob', 'lobby', 'bob-browser-token-01');
    const watch = new PresenceWatch(bob.client, bob.joined);
    const cy = await cluster().enter(a!, 'Cy', 'lobby', 'cy-browser-token-001');
    expect(bob.joined.presence.adminId).toBe(ada.joined.memberId);
    const played = await request(bob.client, 'playback:play', {});
    const playing = (played as unknown as { playback: Playback }).playback;
    expect(playing.status).toBe('playing');

    await a!.kill();
    // What a browser behind the load balancer does: reconnect (to the live node) and join again.
    const adaBack = await cluster().enter(b!, 'Ada', 'lobby', 'ada-browser-token-01');
    expect(adaBack.joined.playback).toEqual(playing);

    const dead = new Set([ada.joined.memberId, cy.joined.memberId]);
    const now = await watch.until(
      (p) => !p.members.some((m) => dead.has(m.id)),
      DEAD_NODE_BOUND_MS + 2_000, // the bound, plus slack for a loaded test machine
    );
    expect(now.members.map((m) => m.name)).toEqual(['Bob', 'Ada']);
    // Exactly one admin, a member of the room: the longest present, Bob.
    expect(now.adminId).toBe(bob.joined.memberId);
    // The room recovered: playback untouched, commands from the moved member work.
    const paused = await request(adaBack.client, 'playback:pause', {});
    expect(paused.ok).toBe(true);
    expect((paused as unknown as { playback: Playback }).playback).toMatchObject({ songId: 'one', status: 'paused' });
  });

  it('a node stopped for a deploy: its members leave the room, the admin passes on', async () => {
    await cluster().seedRoom('lobby', songs, 'one');
    const [a, b] = [await cluster().startNode(), await cluster().startNode()];
    const ada = await cluster().enter(a!, 'Ada');
    const bob = await cluster().enter(b!, 'Bob');
    const watch = new PresenceWatch(bob.client, bob.joined);
    await a!.stop();
    // Usually at once (its sockets' own leaves, or its deleted heartbeat); at worst within the crash bound.
    const presence = await watch.until((p) => !p.members.some((m) => m.id === ada.joined.memberId), DEAD_NODE_BOUND_MS);
    expect(presence.adminId).toBe(bob.joined.memberId);
  });

  it("a song's end advances the room once, even when the node that started it died", async () => {
    await cluster().seedRoom('lobby', [song('short', 1), song('next')], 'short');
    const [a, b] = [await cluster().startNode(), await cluster().startNode()];
    const ada = await cluster().enter(a!, 'Ada');
    const bob = await cluster().enter(b!, 'Bob');
    const changes: Playback[] = [];
    bob.client.on('playback:updated', (p) => changes.push(p));
    expect((await request(ada.client, 'playback:play', {})).ok).toBe(true);
    await a!.kill();
    // Node A armed the ready-barrier wakeup and died; node B fires it from Redis (at most
    // LATE_MS + POLL_MS late), the 1 s song plays, and its end moves the room on. Measured
    // 7.3-7.8 s (the bound was 8 s); the sum of those waits plus 5 s for a loaded machine.
    const bound = READY_BARRIER_MS + WAKEUP_LATE_MS + WAKEUP_POLL_MS + 1_000 + 5_000;
    await until('the room to move on', () => changes.some((p) => p.songId === 'next'), bound);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(changes.filter((p) => p.songId === 'next' && p.status === 'loading')).toHaveLength(1);
  }, 30_000);

  it('Redis stops for 5 s during playback and chat: no node crashes, nothing persisted is lost, clients recover', async () => {
    await cluster().seedRoom('lobby', songs, 'one');
    const [a, b] = [await cluster().startNode(), await cluster().startNode()];
    const ada = await cluster().enter(a!, 'Ada');
    const bob = await cluster().enter(b!, 'Bob');
    expect((await request(ada.client, 'playback:play', {})).ok).toBe(true);
    expect((await request(bob.client, 'chat:send', { text: 'before the outage' })).ok).toBe(true);
    expect((await request(bob.client, 'requests:create', { title: 'Blue Monday' })).ok).toBe(true);

    await cluster().redis.stop();
    // A line said while Redis is away waits for it (ioredis queues the command) instead of failing.
    const duringOutage = request(ada.client, 'chat:send', { text: 'during the outage' }, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    for (const node of [a!, b!]) expect((await fetch(`${node.url}/api/health`)).ok).toBe(true);
    await cluster().redis.resume();

    expect((await duringOutage).ok).toBe(true);
    // Both clients are still connected and hear each other across the nodes again.
    const heard = nextEvent(ada.client, 'chat:line', (l) => l.kind === 'message' && l.text === 'after the outage', 10_000);
    expect((await request(bob.client, 'chat:send', { text: 'after the outage' })).ok).toBe(true);
    await heard;
    const late = await cluster().enter(b!, 'Late');
    const said = late.joined.chat.flatMap((l) => (l.kind === 'message' ? [l.text] : []));
    expect(said).toEqual(['before the outage', 'during the outage', 'after the outage']);
    expect(late.joined.requests.map((r) => r.title)).toEqual(['Blue Monday']);
    expect(late.joined.playlist.map((s) => s.id)).toEqual(['one', 'two', 'three']);
    expect(late.joined.playback).toMatchObject({ songId: 'one', status: 'playing' });
    // Heartbeats expired while Redis was away, but nobody is swept: the nodes beat again first.
    await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_TTL_MS + SWEEP_MS));
    const checker = await cluster().enter(a!, 'Checker');
    expect(checker.joined.presence.members.map((m) => m.name)).toEqual(['Ada', 'Bob', 'Late', 'Checker']);
  }, 60_000);
});
