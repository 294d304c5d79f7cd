import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { io } from 'socket.io-client';

import { enter, request, RunningServer } from './harness.js';
import { startProcess } from './process-harness.js';
import { upload, wav } from './upload-fixtures.js';

/** The value of one sample line of the exposition text (`name{labels} value`). */
function sample(text: string, line: string): number | null {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? null : Number(found.slice(line.length + 1));
}

describe('operations endpoints', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server.stop();
  });

  it('is live and ready; not ready (503) once DATA_DIR cannot take writes', async () => {
    server = await RunningServer.start();
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/api/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const dataDir = await server.stop({ keepData: true });
    server = await RunningServer.start({}, dataDir);
    await rm(dataDir, { recursive: true, force: true });
    const gone = await fetch(`${server.url}/api/ready`);
    expect(gone.status).toBe(503);
    expect(await gone.json()).toEqual({ status: 'not ready' });
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
  });

  it('exposes connections, rooms, events, errors, upload bytes, reported sync error and event loop lag at /metrics', async () => {
    server = await RunningServer.start();
    const ada = await enter(server, 'Ada', { roomId: 'one' });
    await enter(server, 'Bob', { roomId: 'two' });
    expect((await request(ada.client, 'chat:send', { text: 'hi' })).ok).toBe(true);
    expect((await request(ada.client, 'chat:send', { text: '' })).ok).toBe(false);
    expect((await request(ada.client, 'sync:report', { rtt: 12, latencyMs: 30, errorMs: -7 })).ok).toBe(true);
    const bytes = wav(1);
    expect((await upload(ada.client, bytes)).ok).toBe(true);

    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(sample(text, 'musync_connections')).toBe(2);
    expect(sample(text, 'musync_rooms')).toBe(2);
    expect(sample(text, 'musync_events_total{event="chat:send"}')).toBe(2);
    expect(sample(text, 'musync_events_total{event="room:join"}')).toBe(2);
    expect(sample(text, 'musync_errors_total{code="INVALID_PAYLOAD"}')).toBe(1);
    expect(sample(text, 'musync_upload_bytes_total')).toBe(bytes.length);
    expect(sample(text, 'musync_sync_error_ms_count')).toBe(1);
    expect(sample(text, 'musync_sync_error_ms_bucket{le="10"}')).toBe(1);
    expect(sample(text, 'musync_sync_error_ms_bucket{le="5"}')).toBe(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).not.toBeNull();
  });
});

describe('structured logs (the built server as a process)', () => {
  it('writes JSON lines at LOG_LEVEL, with the request id of HTTP requests and the connection id of sockets', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'musync-logs-'));
    const server = await startProcess(dataDir, { LOG_LEVEL: 'debug' });
    try {
      const response = await fetch(`${server.url}/api/health`, { headers: { 'X-Request-Id': 'probe-42' } });
      expect(response.headers.get('x-request-id')).toBe('probe-42');
      const socket = io(server.url, { transports: ['websocket'], reconnection: false, forceNew: true });
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      const connectionId = socket.io.engine.id;
      socket.close();
      await new Promise((r) => setTimeout(r, 300));

      const lines = server.stdout().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(lines.every((line) => typeof line['level'] === 'number' && typeof line['time'] === 'number')).toBe(true);
      expect(lines).toContainEqual(expect.objectContaining({ requestId: 'probe-42', msg: 'GET /api/health 200' }));
      expect(lines).toContainEqual(expect.objectContaining({ connectionId, msg: 'connected' }));
      expect(lines).toContainEqual(expect.objectContaining({ connectionId, msg: 'disconnected' }));
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
