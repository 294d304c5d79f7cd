import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ErrorCode, SECRET_GUESS_BURST, type Presence, type RoomSnapshot } from '@musync/protocol';

import { enter, nextEvent, PresenceWatch, request, RunningServer, type TestClient } from './harness.js';

const PASSWORD = 'correct horse battery';
const TOKEN_ADA = 'ada-browser-token-0001';

/** Everything `client` receives from now on, as one string (to look for secrets in it). */
function wiretap(client: TestClient): () => string {
  const frames: unknown[] = [];
  client.onAny((event: string, payload: unknown) => frames.push([event, payload]));
  return () => JSON.stringify(frames);
}

describe('admin claim with ADMIN_PASSWORD (real sockets)', () => {
  let server: RunningServer;

  beforeEach(async () => {
    server = await RunningServer.start({ ADMIN_PASSWORD: PASSWORD, ADMIN_GRACE_MS: '400' });
  });

  afterEach(async () => {
    await server.stop();
  });

  it('makes the first visitor no admin; the password makes them admin and lets them act as one', async () => {
    const ada = await enter(server, 'Ada', { clientToken: TOKEN_ADA });
    expect(ada.joined.adminClaimable).toBe(true);
    expect(ada.joined.presence.adminId).toBeNull();
    const refused = await request(ada.client, 'room:configure', { control: 'admin' });
    expect(refused).toMatchObject({ ok: false, error: { code: ErrorCode.NOT_ADMIN } });

    const bob = await enter(server, 'Bob');
    const seen = nextEvent(bob.client, 'presence:changed', (p) => p.adminId !== null);
    const claimed = await request(ada.client, 'admin:claim', { password: PASSWORD });
    expect(claimed).toMatchObject({ ok: true, presence: { adminId: ada.joined.memberId } });
    expect((await seen).adminId).toBe(ada.joined.memberId);
    expect(await request(ada.client, 'room:configure', { control: 'admin' })).toMatchObject({ ok: true });
  });

  it('refuses a wrong password with WRONG_PASSWORD and changes nothing', async () => {
    const ada = await enter(server, 'Ada');
    const before = await server.snapshot('lobby');
    const wrong = await request(ada.client, 'admin:claim', { password: 'correct horse batter' });
    expect(wrong).toMatchObject({ ok: false, error: { code: ErrorCode.WRONG_PASSWORD } });
    expect(await server.snapshot('lobby')).toEqual(before);
  });

  it('stops guessing after a few wrong passwords from one address, even with the right one', async () => {
    const eve = await enter(server, 'Eve');
    for (let i = 0; i < SECRET_GUESS_BURST; i++) {
      const wrong = await request(eve.client, 'admin:claim', { password: `guess-${i}-xxxx` });
      expect(wrong).toMatchObject({ ok: false, error: { code: ErrorCode.WRONG_PASSWORD } });
    }
    const right = await request(eve.client, 'admin:claim', { password: PASSWORD });
    expect(right).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    // A fresh connection from the same address shares the budget.
    const again = await enter(server, 'Eve2');
    const fromNew = await request(again.client, 'admin:claim', { password: PASSWORD });
    expect(fromNew).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
    expect((await server.snapshot('lobby'))?.presence.adminId).toBeNull();
  });

  it('does not count right passwords or malformed claims against the budget', async () => {
    const ada = await enter(server, 'Ada');
    // More secret-carrying claims than the budget holds (within the playback buttons' burst of 10)…
    for (let i = 0; i < SECRET_GUESS_BURST + 1; i++) {
      const claim = i % 2 === 0 ? { password: PASSWORD } : { password: '' };
      const code = (await request(ada.client, 'admin:claim', claim)) as { ok: boolean; error?: { code: string } };
      expect(code.ok ? 'ok' : code.error?.code).toBe(i % 2 === 0 ? 'ok' : ErrorCode.INVALID_PAYLOAD);
    }
    // …and a wrong one is still judged, not refused for the budget.
    expect(await request(ada.client, 'admin:claim', { password: 'wrong password' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.WRONG_PASSWORD },
    });
  });

  it('keeps the chair for the admin’s browser over a reload, then leaves the room without an admin', async () => {
    const ada = await enter(server, 'Ada', { clientToken: TOKEN_ADA });
    const bob = await enter(server, 'Bob');
    await request(ada.client, 'admin:claim', { password: PASSWORD });
    // A reload: the same browser token is back within the grace.
    ada.client.disconnect();
    const back = await enter(server, 'Ada', { clientToken: TOKEN_ADA });
    expect(back.joined.presence.adminId).toBe(back.joined.memberId);
    // Gone for longer than the grace: Bob never proved the password, so nobody is promoted.
    const bobSees = new PresenceWatch(bob.client, (await request(bob.client, 'room:snapshot', {})) as unknown as RoomSnapshot);
    back.client.disconnect();
    const vacant: Presence = await bobSees.until((p) => p.members.length === 1, 3000);
    expect(vacant.adminId).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await server.snapshot('lobby'))?.presence.adminId).toBeNull();
    // Bob claims; now he is.
    expect(await request(bob.client, 'admin:claim', { password: PASSWORD })).toMatchObject({
      ok: true,
      presence: { adminId: bob.joined.memberId },
    });
  });

  it('promotes a member who proved the password when the admin is gone for good', async () => {
    const ada = await enter(server, 'Ada', { clientToken: TOKEN_ADA });
    const bob = await enter(server, 'Bob');
    const cy = await enter(server, 'Cy');
    await request(cy.client, 'admin:claim', { password: PASSWORD });
    await request(ada.client, 'admin:claim', { password: PASSWORD });
    const bobSees = new PresenceWatch(bob.client, (await request(bob.client, 'room:snapshot', {})) as unknown as RoomSnapshot);
    ada.client.disconnect();
    // Ada's chair is held for her reload first (presence:left, no admin), then passes on (presence:changed).
    expect((await bobSees.until((p) => p.adminId === cy.joined.memberId, 3000)).adminId).toBe(cy.joined.memberId);
  });
});

describe('room passcode (real sockets)', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server.stop();
  });

  it('refuses joins without the right passcode, keeps the members in, and never sends the passcode', async () => {
    server = await RunningServer.start();
    const ada = await enter(server, 'Ada');
    const bob = await enter(server, 'Bob');
    const tap = wiretap(bob.client);
    const announced = nextEvent(bob.client, 'settings:updated');
    const set = await request(ada.client, 'room:configure', { passcode: 'open sesame' });
    expect(set).toMatchObject({ ok: true, settings: { hasPasscode: true } });
    expect((await announced).hasPasscode).toBe(true);

    const eve = await server.connect();
    expect(await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.PASSCODE_REQUIRED },
    });
    expect(await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve', passcode: 'open sesame?' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.WRONG_PASSCODE },
    });
    const joined = await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve', passcode: 'open sesame' });
    expect(joined).toMatchObject({ ok: true, settings: { hasPasscode: true } });
    expect(JSON.stringify(joined)).not.toContain('open sesame');
    expect((await server.snapshot('lobby'))?.presence.members.map((m) => m.name)).toEqual(['Ada', 'Bob', 'Eve']);
    expect(await request(bob.client, 'room:configure', { passcode: null })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.NOT_ADMIN },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tap()).not.toContain('open sesame');
  });

  it('keeps the passcode over a restart, stored only as a salted hash', async () => {
    server = await RunningServer.start();
    const ada = await enter(server, 'Ada');
    await request(ada.client, 'room:configure', { passcode: 'open sesame' });
    const dataDir = await server.stop({ keepData: true });
    const file = await readFile(join(dataDir, 'rooms', 'lobby.json'), 'utf8');
    expect(file).not.toContain('open sesame');
    expect(JSON.parse(file).passcode).toMatchObject({ salt: expect.any(String), digest: expect.any(String) });

    server = await RunningServer.start({}, dataDir);
    const eve = await server.connect();
    expect(await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.PASSCODE_REQUIRED },
    });
    expect(await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve', passcode: 'open sesame' })).toMatchObject({
      ok: true,
    });
  });

  it('counts wrong passcodes against the same strict budget', async () => {
    server = await RunningServer.start();
    const ada = await enter(server, 'Ada');
    await request(ada.client, 'room:configure', { passcode: 'open sesame' });
    const eve = await server.connect();
    for (let i = 0; i < SECRET_GUESS_BURST; i++) {
      const wrong = await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve', passcode: `guess ${i}` });
      expect(wrong).toMatchObject({ ok: false, error: { code: ErrorCode.WRONG_PASSCODE } });
    }
    const right = await request(eve, 'room:join', { roomId: 'lobby', username: 'Eve', passcode: 'open sesame' });
    expect(right).toMatchObject({ ok: false, error: { code: ErrorCode.RATE_LIMITED } });
  });
});

describe('without ADMIN_PASSWORD', () => {
  it('keeps the first-come rule and refuses claims with ADMIN_CLAIM_OFF', async () => {
    const server = await RunningServer.start();
    try {
      const ada = await enter(server, 'Ada');
      expect(ada.joined.adminClaimable).toBe(false);
      expect(ada.joined.presence.adminId).toBe(ada.joined.memberId);
      const bob = await enter(server, 'Bob');
      expect(await request(bob.client, 'admin:claim', { password: PASSWORD })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.ADMIN_CLAIM_OFF },
      });
    } finally {
      await server.stop();
    }
  });
});
