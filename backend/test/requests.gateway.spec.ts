import { ErrorCode, REQUEST_TITLE_MAX_LENGTH, type Ack, type ChatLine, type Song, type SongRequest } from '@musync/protocol';

import { enter, nextEvent, record, request, RunningServer, type TestClient } from './harness.js';
import { upload, wav } from './upload-fixtures.js';

const BASE = { DISK_RESERVE_BYTES: '0' };

function requestOf(ack: Ack<Record<string, unknown>>): SongRequest {
  if (!ack.ok) throw new Error(`refused: ${ack.error.code} ${ack.error.message}`);
  return ack['request'] as SongRequest;
}

const refusedWith = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });

describe('song requests over real sockets', () => {
  let server: RunningServer;
  let ada: TestClient; // admin
  let bob: TestClient;
  let cy: TestClient;
  let personOf: Record<'ada' | 'bob' | 'cy', string>;

  beforeEach(async () => {
    server = await RunningServer.start(BASE);
    const joined = await Promise.all(['Ada', 'Bob', 'Cy'].map(async (name, i) => {
      await new Promise((resolve) => setTimeout(resolve, i * 20)); // Ada first: she is the admin
      return enter(server, name, { clientToken: `${name.toLowerCase()}-browser-token-01` });
    }));
    [ada, bob, cy] = joined.map((j) => j.client) as [TestClient, TestClient, TestClient];
    personOf = { ada: joined[0]!.joined.personId, bob: joined[1]!.joined.personId, cy: joined[2]!.joined.personId };
    expect(joined[0]!.joined.presence.adminId).toBe(joined[0]!.joined.memberId);
  });

  afterEach(async () => {
    await server.stop();
  });

  /** What a newcomer sees: the room's requests right now. */
  async function requestsNow(): Promise<readonly SongRequest[]> {
    const probe = await enter(server, 'Probe');
    probe.client.disconnect();
    return probe.joined.requests;
  }

  it('runs a request from ask to fulfilled, everyone seeing each step', async () => {
    // Bob asks; everyone sees it pending, with who asked and when.
    const seenByCy = nextEvent(cy, 'requests:updated', (u) => u.requests.length === 1);
    const asked = requestOf(await request(bob, 'requests:create', { title: ' Blue Monday ', artist: 'New Order', note: 'please' }));
    expect(asked).toMatchObject({
      title: 'Blue Monday',
      artist: 'New Order',
      note: 'please',
      requester: 'Bob',
      requesterId: personOf.bob,
      status: 'pending',
      voterIds: [],
    });
    expect((await seenByCy).requests).toEqual([asked]);

    // A second request overtakes the first by votes.
    const second = requestOf(await request(cy, 'requests:create', { title: 'Ceremony' }));
    const sorted = nextEvent(bob, 'requests:updated', (u) => u.requests[0]?.id === second.id);
    expect(requestOf(await request(ada, 'requests:vote', { requestId: second.id })).voterIds).toEqual([personOf.ada]);
    expect((await sorted).requests.map((r) => r.title)).toEqual(['Ceremony', 'Blue Monday']);

    // The admin approves with a note; the chat says so.
    const notice = nextEvent(cy, 'chat:line', (l) => l.kind === 'notice' && l.notice.type === 'request-approved');
    const approved = requestOf(await request(ada, 'requests:approve', { requestId: asked.id, note: 'tonight' }));
    expect(approved).toMatchObject({ status: 'approved', answer: 'tonight', decidedAt: expect.any(Number) });
    expect(((await notice) as ChatLine & { kind: 'notice' }).notice).toEqual({
      type: 'request-approved',
      title: 'Blue Monday',
      note: 'tonight',
    });

    // The admin uploads the song and marks it as fulfilling the request.
    const song = (await upload(ada, wav(1, { title: 'Blue Monday' }), 'blue-monday.wav')) as Ack<{ song: Song }>;
    if (!song.ok) throw new Error(song.error.message);
    const fulfilledSeen = nextEvent(bob, 'requests:updated', (u) => u.requests.some((r) => r.status === 'fulfilled'));
    const fulfilled = requestOf(await request(ada, 'requests:fulfil', { requestId: asked.id, songId: song.song.id }));
    expect(fulfilled).toMatchObject({ status: 'fulfilled', songId: song.song.id, answer: 'tonight' });
    expect((await fulfilledSeen).requests.find((r) => r.id === asked.id)).toEqual(fulfilled);

    // The admin rejects the other with a reason.
    const rejected = requestOf(await request(ada, 'requests:reject', { requestId: second.id, reason: 'not tonight' }));
    expect(rejected).toMatchObject({ status: 'rejected', answer: 'not tonight' });
    const chat = (await enter(server, 'Late')).joined.chat;
    expect(chat.flatMap((l) => (l.kind === 'notice' && l.notice.type.startsWith('request') ? [l.notice] : []))).toEqual([
      { type: 'request-approved', title: 'Blue Monday', note: 'tonight' },
      { type: 'request-fulfilled', title: 'Blue Monday' },
      { type: 'request-rejected', title: 'Ceremony', reason: 'not tonight' },
    ]);
  });

  it('lets the requester withdraw a pending request, and no one else', async () => {
    const asked = requestOf(await request(bob, 'requests:create', { title: 'Regret' }));
    expect(await request(cy, 'requests:withdraw', { requestId: asked.id })).toEqual(refusedWith(ErrorCode.NOT_REQUESTER));
    expect(await request(ada, 'requests:withdraw', { requestId: asked.id })).toEqual(refusedWith(ErrorCode.NOT_REQUESTER));
    expect(requestOf(await request(bob, 'requests:withdraw', { requestId: asked.id })).status).toBe('withdrawn');
    expect(await request(bob, 'requests:withdraw', { requestId: asked.id })).toEqual(refusedWith(ErrorCode.REQUEST_DECIDED));
  });

  it('refuses what the rules forbid with typed errors, changing nothing and broadcasting nothing', async () => {
    const asked = requestOf(await request(bob, 'requests:create', { title: 'Temptation' }));
    const decided = requestOf(await request(bob, 'requests:create', { title: 'Atmosphere' }));
    await request(ada, 'requests:reject', { requestId: decided.id });
    expect(requestOf(await request(cy, 'requests:vote', { requestId: asked.id })).voterIds).toEqual([personOf.cy]);
    const before = await requestsNow();

    const heard = record(cy, 'requests:updated');
    const refusals: [TestClient, string, unknown, string][] = [
      [bob, 'requests:approve', { requestId: asked.id }, ErrorCode.NOT_ADMIN],
      [cy, 'requests:reject', { requestId: asked.id, reason: 'no' }, ErrorCode.NOT_ADMIN],
      [bob, 'requests:fulfil', { requestId: asked.id, songId: 'a'.repeat(64) }, ErrorCode.NOT_ADMIN],
      [ada, 'requests:approve', { requestId: 'no-such-request' }, ErrorCode.REQUEST_NOT_FOUND],
      [ada, 'requests:reject', { requestId: 'no-such-request' }, ErrorCode.REQUEST_NOT_FOUND],
      [ada, 'requests:approve', { requestId: decided.id }, ErrorCode.REQUEST_DECIDED],
      [ada, 'requests:reject', { requestId: decided.id }, ErrorCode.REQUEST_DECIDED],
      [ada, 'requests:fulfil', { requestId: decided.id, songId: 'a'.repeat(64) }, ErrorCode.REQUEST_DECIDED],
      [ada, 'requests:fulfil', { requestId: asked.id, songId: 'a'.repeat(64) }, ErrorCode.SONG_NOT_FOUND],
      [cy, 'requests:vote', { requestId: asked.id }, ErrorCode.ALREADY_VOTED],
      [bob, 'requests:vote', { requestId: asked.id }, ErrorCode.ALREADY_VOTED],
      [cy, 'requests:vote', { requestId: decided.id }, ErrorCode.REQUEST_DECIDED],
      [cy, 'requests:vote', { requestId: 'no-such-request' }, ErrorCode.REQUEST_NOT_FOUND],
    ];
    for (const [client, event, payload, code] of refusals) {
      expect([event, await request(client, event as 'requests:vote', payload)]).toEqual([event, refusedWith(code)]);
    }
    expect(await heard.stop()).toEqual([]);
    expect(await requestsNow()).toEqual(before);
  });

  it('refuses malformed payloads with INVALID_PAYLOAD, changing nothing and broadcasting nothing', async () => {
    const seen = nextEvent(cy, 'requests:updated');
    const asked = requestOf(await request(bob, 'requests:create', { title: 'Temptation' }));
    await seen;
    const before = await requestsNow();
    const heard = record(cy, 'requests:updated');
    const refusals: [TestClient, string, unknown][] = [
      [bob, 'requests:create', { title: '' }],
      [bob, 'requests:create', { title: '   ' }],
      [bob, 'requests:create', { artist: 'No title' }],
      [bob, 'requests:create', { title: 'x'.repeat(REQUEST_TITLE_MAX_LENGTH + 1) }],
      [bob, 'requests:create', { title: 'Ok', note: 'bad\u0007note' }],
      [bob, 'requests:create', { title: 'Ok', status: 'approved' }],
      [bob, 'requests:create', 'Blue Monday'],
      [cy, 'requests:vote', { requestId: 7 }],
      [cy, 'requests:withdraw', {}],
      [ada, 'requests:approve', { requestId: asked.id, note: 42 }],
      [ada, 'requests:reject', { requestId: asked.id, reason: '' }],
      [ada, 'requests:fulfil', { requestId: asked.id }],
    ];
    for (const [client, event, payload] of refusals) {
      const ack = await request(client, event as 'requests:vote', payload);
      expect([event, ack]).toEqual([event, refusedWith(ErrorCode.INVALID_PAYLOAD)]);
    }
    expect(await heard.stop()).toEqual([]);
    expect(await requestsNow()).toEqual(before);
  });

  it('counts a person’s +1 once, whatever tab or reload it comes from', async () => {
    const asked = requestOf(await request(bob, 'requests:create', { title: 'Isolation' }));
    expect((await request(cy, 'requests:vote', { requestId: asked.id })).ok).toBe(true);
    cy.disconnect();
    const cyAgain = await enter(server, 'Cy', { clientToken: 'cy-browser-token-01' });
    expect(await request(cyAgain.client, 'requests:vote', { requestId: asked.id })).toEqual(refusedWith(ErrorCode.ALREADY_VOTED));
    expect((await requestsNow())[0]!.voterIds).toEqual([personOf.cy]);
  });

  it('keeps requests out of other rooms', async () => {
    requestOf(await request(bob, 'requests:create', { title: 'Lobby only' }));
    const elsewhere = await enter(server, 'Zoe', { roomId: 'jazz' });
    expect(elsewhere.joined.requests).toEqual([]);
  });
});
