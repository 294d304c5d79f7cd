import { CHAT_RATE_MESSAGES_DEFAULT, ErrorCode } from '@musync/protocol';
import { io, type Socket } from 'socket.io-client';

import { enter, request, RunningServer } from './harness.js';

/** Connects with the given headers; resolves with the socket, or the refusal's message. */
function connectAs(url: string, headers: Record<string, string> = {}): Promise<Socket | string> {
  const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: headers });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

function hostOf(url: string): string {
  return new URL(url).host;
}

describe('origin allowlist', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server.stop();
  });

  it('refuses a socket from another site, lets the same origin and non-browser clients in', async () => {
    server = await RunningServer.start();
    const evil = await connectAs(server.url, { Origin: 'https://evil.example' });
    expect(typeof evil).toBe('string');
    const same = await connectAs(server.url, { Origin: `http://${hostOf(server.url)}` });
    const none = await connectAs(server.url);
    expect(typeof same).not.toBe('string');
    expect(typeof none).not.toBe('string');
    for (const socket of [same, none]) if (typeof socket !== 'string') socket.close();
  });

  it('lets the origins ALLOWED_ORIGINS lists in, over WebSocket and with CORS over HTTP', async () => {
    server = await RunningServer.start({ ALLOWED_ORIGINS: 'https://app.example' });
    const app = await connectAs(server.url, { Origin: 'https://app.example' });
    expect(typeof app).not.toBe('string');
    if (typeof app !== 'string') app.close();
    expect(typeof (await connectAs(server.url, { Origin: 'https://evil.example' }))).toBe('string');

    const allowed = await fetch(`${server.url}/api/health`, { headers: { Origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const other = await fetch(`${server.url}/api/health`, { headers: { Origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS header by default, and security headers with a Content-Security-Policy', async () => {
    server = await RunningServer.start();
    const response = await fetch(`${server.url}/api/health`, { headers: { Origin: 'https://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });
});

describe('connections per address', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server.stop();
  });

  it('refuses the 200 connections beyond MAX_CONNECTIONS_PER_IP, and lets one in again once one leaves', async () => {
    server = await RunningServer.start({ MAX_CONNECTIONS_PER_IP: '20' });
    const outcomes: (Socket | string)[] = [];
    for (let i = 0; i < 220; i += 1) outcomes.push(await connectAs(server.url));
    const open = outcomes.filter((o): o is Socket => typeof o !== 'string');
    const refused = outcomes.filter((o) => typeof o === 'string');
    expect(open).toHaveLength(20);
    expect(refused).toHaveLength(200);

    // The server still answers the ones it let in.
    const ack = (await open[0]!.timeout(2000).emitWithAck('time:ping', { t0: 1 })) as { ok: boolean };
    expect(ack.ok).toBe(true);
    const gone = open.pop()!;
    const left = new Promise((resolve) => gone.once('disconnect', resolve));
    gone.close();
    await left;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await connectAs(server.url);
    expect(typeof again).not.toBe('string');
    for (const socket of [...open, again]) if (typeof socket !== 'string') socket.close();
  });
});

describe('rate limits', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server.stop();
  });

  it('throttles a chat flood with RATE_LIMITED, then disconnects the connection that keeps on', async () => {
    server = await RunningServer.start({ RATE_LIMIT_STRIKES: '10' });
    const { client } = await enter(server, 'Flooder');
    const bystander = await enter(server, 'Calm');
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const acks = [];
    for (let i = 0; i < CHAT_RATE_MESSAGES_DEFAULT + 10; i += 1) {
      acks.push(await request(client, 'chat:send', { text: `spam ${i}` }));
    }
    const codes = acks.map((ack) => (ack.ok ? 'ok' : ack.error.code));
    expect(codes.slice(0, CHAT_RATE_MESSAGES_DEFAULT)).toEqual(Array(CHAT_RATE_MESSAGES_DEFAULT).fill('ok'));
    expect(codes.slice(CHAT_RATE_MESSAGES_DEFAULT)).toEqual(Array(10).fill(ErrorCode.RATE_LIMITED));
    // The eleventh refusal is one strike too many.
    void request(client, 'chat:send', { text: 'one more' }).catch(() => undefined);
    expect(await disconnected).toBe('io server disconnect');
    // Everyone else carries on.
    expect((await request(bystander.client, 'chat:send', { text: 'still here' })).ok).toBe(true);
  });

  it('shares an address’s budget between its connections (RATE_LIMIT_IP_FACTOR)', async () => {
    server = await RunningServer.start({ RATE_LIMIT_IP_FACTOR: '1' });
    const first = await enter(server, 'One');
    const second = await enter(server, 'Two');
    for (let i = 0; i < CHAT_RATE_MESSAGES_DEFAULT; i += 1) {
      expect((await request(first.client, 'chat:send', { text: `line ${i}` })).ok).toBe(true);
    }
    // A fresh connection from the same address gets nothing more.
    expect(await request(second.client, 'chat:send', { text: 'me too' })).toMatchObject({
      ok: false,
      error: { code: ErrorCode.RATE_LIMITED },
    });
  });

  it('limits clock pings in their own class, leaving chat alone', async () => {
    server = await RunningServer.start();
    const { client } = await enter(server, 'Pinger');
    const acks = await Promise.all(Array.from({ length: 60 }, (_, i) => request(client, 'time:ping', { t0: i })));
    expect(acks.filter((ack) => !ack.ok).length).toBeGreaterThan(0);
    expect(acks.every((ack) => ack.ok || ack.error.code === ErrorCode.RATE_LIMITED)).toBe(true);
    expect((await request(client, 'chat:send', { text: 'hello' })).ok).toBe(true);
  });

  it('counts clock pings sent without an ack against the budget, and disconnects their flood', async () => {
    // Pings are answered ahead of Nest's pipeline (PingResponder): the limiter must still see every one.
    server = await RunningServer.start({ RATE_LIMIT_STRIKES: '5' });
    const { client } = await enter(server, 'Silent pinger');
    const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const raw = client as unknown as { emit: (event: string, payload: unknown) => void };
    for (let i = 0; i < 200; i += 1) raw.emit('time:ping', { t0: i });
    expect(await disconnected).toBe('io server disconnect');
  });
});
