import { ErrorCode, type ChatLine } from '@musync/protocol';

import { enter, nextEvent, record, request, RunningServer, song, type TestClient } from './harness.js';

const songs = ['one', 'two', 'three'].map((id) => song(id));

const refusedWith = (code: string) => ({ ok: false, error: { code, message: expect.any(String) } });
const isSkipNotice = (line: ChatLine): boolean => line.kind === 'notice' && line.notice.type === 'skipped';

describe('vote to skip with three people over real sockets', () => {
  let server: RunningServer;
  let ada: TestClient; // admin
  let bob: TestClient;
  let cy: TestClient;
  let bobPerson: string;

  beforeEach(async () => {
    server = await RunningServer.start();
    await server.seed('lobby', songs);
    ada = (await enter(server, 'Ada', { clientToken: 'ada-browser-token-01' })).client;
    const bobJoined = await enter(server, 'Bob', { clientToken: 'bob-browser-token-01' });
    bob = bobJoined.client;
    bobPerson = bobJoined.joined.personId;
    const cyJoined = await enter(server, 'Cy', { clientToken: 'cy-browser-token-01' });
    cy = cyJoined.client;
    expect(cyJoined.joined.skip).toEqual({ songId: null, voterIds: [], needed: 2 });
    expect((await request(ada, 'playback:select', { songId: 'one' })).ok).toBe(true);
  });

  afterEach(async () => {
    await server.stop();
  });

  it('skips the song for everyone once a majority voted, says so in the chat, and counts afresh', async () => {
    const firstVote = nextEvent(cy, 'skip:updated', (s) => s.voterIds.length === 1);
    expect(await request(bob, 'playback:vote-skip', { songId: 'one' })).toEqual({
      ok: true,
      skip: { songId: 'one', voterIds: [bobPerson], needed: 2 },
    });
    expect(await firstVote).toEqual({ songId: 'one', voterIds: [bobPerson], needed: 2, rev: expect.any(Number) });
    expect(await request(bob, 'playback:vote-skip', { songId: 'one' })).toEqual(refusedWith(ErrorCode.ALREADY_VOTED));

    const skipped = Promise.all([ada, bob].map((c) => nextEvent(c, 'playback:updated', (p) => p.songId === 'two')));
    const notice = nextEvent(ada, 'chat:line', isSkipNotice);
    const reset = nextEvent(bob, 'skip:updated', (s) => s.songId === 'two');
    expect(await request(cy, 'playback:vote-skip', { songId: 'one' })).toMatchObject({ ok: true, skip: { songId: 'two' } });
    for (const playback of await skipped) expect(playback).toMatchObject({ songId: 'two', status: 'loading', position: 0 });
    expect(await notice).toMatchObject({ notice: { type: 'skipped', title: 'Song one', votes: 2 } });
    expect(await reset).toEqual({ songId: 'two', voterIds: [], needed: 2, rev: expect.any(Number) });

    // Ada's vote for the song that is gone changes nothing.
    expect(await request(ada, 'playback:vote-skip', { songId: 'one' })).toEqual(refusedWith(ErrorCode.STALE_STATE));
  });

  it('skips exactly one song when everyone votes at once', async () => {
    const notices = record(bob, 'chat:line');
    const acks = await Promise.all([ada, bob, cy].map((c) => request(c, 'playback:vote-skip', { songId: 'one' })));
    expect(acks.filter((a) => a.ok)).toHaveLength(2);
    expect(acks.filter((a) => !a.ok)).toEqual([refusedWith(ErrorCode.STALE_STATE)]);
    expect((await notices.stop()).filter(isSkipNotice)).toHaveLength(1);
    const probe = await enter(server, 'Probe');
    expect(probe.joined.playback.songId).toBe('two');
  });

  it('lets the admin turn voting off, or set a number, and no one else', async () => {
    expect(await request(bob, 'room:configure', { skipThreshold: 'off' })).toEqual(refusedWith(ErrorCode.NOT_ADMIN));

    const settingsSeen = nextEvent(cy, 'settings:updated');
    const skipSeen = nextEvent(cy, 'skip:updated', (s) => s.needed === null);
    expect(await request(ada, 'room:configure', { skipThreshold: 'off' })).toEqual({
      ok: true,
      settings: { control: 'everyone', skipThreshold: 'off', addSongs: 'admin', waitForCopies: false, hasPasscode: false },
      rev: expect.any(Number),
    });
    expect(await settingsSeen).toEqual({
      control: 'everyone',
      skipThreshold: 'off',
      addSongs: 'admin',
      waitForCopies: false,
      hasPasscode: false,
      rev: expect.any(Number),
    });
    expect(await skipSeen).toEqual({ songId: 'one', voterIds: [], needed: null, rev: expect.any(Number) });
    expect(await request(bob, 'playback:vote-skip', { songId: 'one' })).toEqual(refusedWith(ErrorCode.VOTE_SKIP_OFF));

    expect((await request(ada, 'room:configure', { skipThreshold: 1 })).ok).toBe(true);
    const skipped = nextEvent(cy, 'playback:updated', (p) => p.songId === 'two');
    expect((await request(bob, 'playback:vote-skip', { songId: 'one' })).ok).toBe(true);
    await skipped;
  });

  it.each([
    [{}, 'no setting named'],
    [{ skipThreshold: 0 }, 'a threshold of 0'],
    [{ skipThreshold: 2.5 }, 'a fractional threshold'],
    [{ skipThreshold: 'half' }, 'an unknown threshold'],
    [{ control: 'nobody' }, 'an unknown control mode'],
  ])('refuses the settings %p (%s)', async (payload: object, _reason: string) => {
    expect(await request(ada, 'room:configure', payload)).toEqual(refusedWith(ErrorCode.INVALID_PAYLOAD));
  });

  it('does not give a person a second vote from another tab', async () => {
    expect((await request(bob, 'playback:vote-skip', { songId: 'one' })).ok).toBe(true);
    const bobTab2 = await enter(server, 'Bob', { clientToken: 'bob-browser-token-01' });
    expect(bobTab2.joined.skip.needed).toBe(2); // still three people
    expect(await request(bobTab2.client, 'playback:vote-skip', { songId: 'one' })).toEqual(
      refusedWith(ErrorCode.ALREADY_VOTED),
    );
  });

  it('skips when someone leaves and the votes cast are now a majority', async () => {
    const dee = await enter(server, 'Dee');
    expect(dee.joined.skip.needed).toBe(3);
    await request(bob, 'playback:vote-skip', { songId: 'one' });
    await request(cy, 'playback:vote-skip', { songId: 'one' });
    const skipped = nextEvent(ada, 'playback:updated', (p) => p.songId === 'two');
    dee.client.disconnect();
    await skipped;
  });

  it('refuses malformed votes and votes from outside the room', async () => {
    for (const payload of [{}, { songId: '' }, { songId: 1 }, { songId: 'one', extra: true }, 'one']) {
      expect(await request(bob, 'playback:vote-skip', payload)).toEqual(refusedWith(ErrorCode.INVALID_PAYLOAD));
    }
    const stranger = await server.connect();
    expect(await request(stranger, 'playback:vote-skip', { songId: 'one' })).toEqual(refusedWith(ErrorCode.NOT_JOINED));
  });
});
