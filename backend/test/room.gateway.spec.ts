import { ErrorCode, USERNAME_MAX_LENGTH, type JoinResult, type Presence } from '@musync/protocol';

import { nextEvent, PresenceWatch, request, RunningServer, type TestClient } from './harness.js';

interface Joined {
  readonly client: TestClient;
  readonly memberId: string;
  readonly joined: JoinResult;
}

describe('room gateway (real socket.io clients against a running server)', () => {
  let server: RunningServer;

  beforeEach(async () => {
    server = await RunningServer.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  async function joinAs(name: string, roomId = 'lobby'): Promise<Joined> {
    const client = await server.connect();
    const ack = await request(client, 'room:join', { roomId, username: name });
    if (!ack.ok) throw new Error(`join failed: ${ack.error.message}`);
    return { client, memberId: ack['memberId'] as string, joined: ack as unknown as JoinResult };
  }

  it('answers a join with the room snapshot, the first member being admin', async () => {
    const client = await server.connect();
    const ack = await request(client, 'room:join', { roomId: 'lobby', username: '  Ada  ' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const presence = ack['presence'] as Presence;
    expect(presence.roomId).toBe('lobby');
    expect(presence.members.map((m) => m.name)).toEqual(['Ada']);
    expect(presence.adminId).toBe(ack['memberId']);
  });

  it('tells everyone in the room when someone joins, with the newcomer alone (a delta)', async () => {
    const ada = await joinAs('Ada');
    const watch = new PresenceWatch(ada.client, ada.joined);
    const delta = nextEvent(ada.client, 'presence:joined');
    const bob = await joinAs('Bob');
    expect(await delta).toEqual({
      member: { id: bob.memberId, personId: bob.memberId, name: 'Bob', joinedAt: expect.any(Number) },
      adminId: ada.memberId,
      since: ada.joined.rev,
      rev: bob.joined.rev,
    });
    const presence = await watch.until((p) => p.members.length === 2);
    expect(presence.members.map((m) => m.name)).toEqual(['Ada', 'Bob']);
    expect(presence.adminId).toBe(ada.memberId);
    expect(presence.members[1]!.id).toBe(bob.memberId);
  });

  it('promotes the longest-present member when the admin disconnects', async () => {
    const ada = await joinAs('Ada');
    const bob = await joinAs('Bob');
    const cy = await joinAs('Cy');
    const watch = new PresenceWatch(cy.client, cy.joined);
    ada.client.disconnect();
    const presence = await watch.until((p) => p.members.length === 2);
    expect(presence.adminId).toBe(bob.memberId);
    expect(presence.members.map((m) => m.name)).toEqual(['Bob', 'Cy']);
  });

  describe('with a grace period for the admin', () => {
    let graceful: RunningServer;

    beforeEach(async () => {
      graceful = await RunningServer.start({ ADMIN_GRACE_MS: '300' });
    });

    afterEach(async () => {
      await graceful.stop();
    });

    async function joinWithToken(
      name: string,
      clientToken: string,
      roomId = 'lobby',
    ): Promise<Joined> {
      const client = await graceful.connect();
      const ack = await request(client, 'room:join', { roomId, username: name, clientToken });
      if (!ack.ok) throw new Error(ack.error.message);
      return { client, memberId: ack['memberId'] as string, joined: ack as unknown as JoinResult };
    }

    it('promotes the longest-present member once the grace period is over, every time', async () => {
      // Repeated: the promotion hangs on a server timer, which must not fire "too early" and give up.
      for (let round = 0; round < 5; round++) {
        const ada = await joinWithToken('Ada', `ada-token-${round}-padding`, `grace-${round}`);
        const bob = await joinWithToken('Bob', `bob-token-${round}-padding`, `grace-${round}`);
        const watch = new PresenceWatch(bob.client, bob.joined);
        const vacant = watch.until((p) => p.members.length === 1);
        const promoted = nextEvent(bob.client, 'presence:changed', (p) => p.adminId === bob.memberId, 2000);
        ada.client.disconnect();
        expect((await vacant).adminId).toBeNull(); // held open for Ada first
        await promoted;
      }
    });

    it('gives the chair back to the admin who reconnects with the same browser token in time', async () => {
      const ada = await joinWithToken('Ada', 'ada-browser-token-0001');
      const bob = await joinWithToken('Bob', 'bob-browser-token-0001');
      const watch = new PresenceWatch(bob.client, bob.joined);
      ada.client.disconnect();
      const back = await joinWithToken('Ada', 'ada-browser-token-0001');
      await new Promise((resolve) => setTimeout(resolve, 500)); // past the grace period
      const presence = watch.presence;
      const probe = await graceful.connect();
      const ack = await request(probe, 'room:join', { roomId: 'lobby', username: 'Probe' });
      const adminId = ack.ok ? (ack['presence'] as Presence).adminId : null;
      expect(adminId).toBe(back.memberId);
      expect(presence.adminId).toBe(back.memberId);
    });
  });

  it('keeps rooms apart: people, admin and broadcasts', async () => {
    const ada = await joinAs('Ada', 'lobby');
    let leaked = false;
    ada.client.on('presence:joined', () => {
      leaked = true;
    });
    const client = await server.connect();
    const ack = await request(client, 'room:join', { roomId: 'jazz', username: 'Zoe' });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const presence = ack['presence'] as Presence;
    expect(presence.members.map((m) => m.name)).toEqual(['Zoe']);
    expect(presence.adminId).toBe(ack['memberId']);
    await request(client, 'time:ping', { t0: 1 }); // a round trip, so any leak would have arrived
    expect(leaked).toBe(false);
  });

  it.each([
    ['an empty username', { roomId: 'lobby', username: '' }],
    ['a whitespace-only username', { roomId: 'lobby', username: '   ' }],
    ['a too long username', { roomId: 'lobby', username: 'x'.repeat(USERNAME_MAX_LENGTH + 1) }],
    ['a non-string username', { roomId: 'lobby', username: { toString: 'Ada' } }],
    ['a malformed room id', { roomId: '../../etc', username: 'Ada' }],
    ['a missing room id', { username: 'Ada' }],
    ['an extra field', { roomId: 'lobby', username: 'Ada', admin: true }],
    ['a string payload', 'lobby'],
    ['no payload', null],
  ])('refuses a join with %s: typed error, nothing joined', async (_, payload) => {
    const watcher = await joinAs('Watcher');
    let presenceChanged = false;
    watcher.client.on('presence:joined', () => {
      presenceChanged = true;
    });
    const client = await server.connect();
    const ack = await request(client, 'room:join', payload);
    expect(ack).toEqual({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD, message: expect.any(String) } });
    // Still alive, and nobody was added.
    const ok = await request(client, 'room:join', { roomId: 'lobby', username: 'Late' });
    expect(ok.ok && (ok['presence'] as Presence).members.map((m) => m.name)).toEqual(['Watcher', 'Late']);
    expect(presenceChanged).toBe(true); // only from Late's valid join
  });

  it('stamps every broadcast with the room revision, the join snapshot too', async () => {
    const ada = await joinAs('Ada');
    const setting = nextEvent(ada.client, 'settings:updated');
    const chat = nextEvent(ada.client, 'chat:line');
    const ack = await request(ada.client, 'room:configure', { control: 'admin' });
    expect(ack).toMatchObject({ ok: true, rev: ada.joined.rev + 1 });
    expect((await setting).rev).toBe(ada.joined.rev + 1);
    const bob = await joinAs('Bob');
    expect(bob.joined.rev).toBe(ada.joined.rev + 2);
    expect((await chat).rev).toBe(bob.joined.rev); // Bob's "joined" notice
  });

  it('answers room:snapshot with the room as it is now, revision included', async () => {
    const ada = await joinAs('Ada');
    const bob = await joinAs('Bob');
    const snapshot = await request(ada.client, 'room:snapshot', {});
    expect(snapshot).toMatchObject({ ok: true, rev: bob.joined.rev });
    expect(snapshot.ok && (snapshot['presence'] as Presence).members.map((m) => m.name)).toEqual(['Ada', 'Bob']);
    const refused = await request(ada.client, 'room:snapshot', { full: true });
    expect(refused).toEqual({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD, message: expect.any(String) } });
    const stranger = await server.connect();
    const notJoined = await request(stranger, 'room:snapshot', {});
    expect(notJoined).toEqual({ ok: false, error: { code: ErrorCode.NOT_JOINED, message: expect.any(String) } });
  });

  it('refuses a second join on the same connection', async () => {
    const ada = await joinAs('Ada');
    const ack = await request(ada.client, 'room:join', { roomId: 'other', username: 'Ada' });
    expect(ack).toEqual({ ok: false, error: { code: ErrorCode.ALREADY_JOINED, message: expect.any(String) } });
  });

  it('survives unknown events and garbage, and keeps answering', async () => {
    const client = await server.connect();
    const raw = client as unknown as { emit: (...args: unknown[]) => void };
    raw.emit('no:such:event', { a: 1 });
    raw.emit('room:join');
    raw.emit('time:ping', Buffer.from([1, 2, 3]));
    raw.emit('room:join', JSON.parse('{"__proto__": {"polluted": true}, "roomId": "lobby", "username": "P"}'));
    const ack = await request(client, 'time:ping', { t0: 5 });
    expect(ack.ok).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('answers time pings with high-resolution server times', async () => {
    const client = await server.connect();
    const t0 = performance.timeOrigin + performance.now();
    const ack = await request(client, 'time:ping', { t0 });
    const t3 = performance.timeOrigin + performance.now();
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const { t1, t2 } = ack as unknown as { t1: number; t2: number };
    expect(ack['t0']).toBe(t0);
    // Same host, same clock: the server's times fall inside the round trip.
    expect(t1).toBeGreaterThanOrEqual(t0);
    expect(t2).toBeGreaterThanOrEqual(t1);
    expect(t2).toBeLessThanOrEqual(t3);
    // Sub-millisecond resolution: over a few pings, some time has a fraction.
    const fractions = [t1, t2];
    for (let i = 0; i < 5; i++) {
      const more = (await request(client, 'time:ping', { t0 })) as unknown as { t1: number };
      fractions.push(more.t1);
    }
    expect(fractions.some((t) => !Number.isInteger(t))).toBe(true);
  });

  it.each([[{ t0: 'now' }], [{}], [{ t0: 1, extra: 2 }]])('refuses the time ping %p', async (payload) => {
    const client = await server.connect();
    const ack = await request(client, 'time:ping', payload);
    expect(ack.ok).toBe(false);
    expect(!ack.ok && ack.error.code).toBe(ErrorCode.INVALID_PAYLOAD);
  });
});
