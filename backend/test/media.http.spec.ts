import { type Song } from '@musync/protocol';

import { request, RunningServer, type TestClient } from './harness.js';
import { sha256, TINY_PNG, upload, wav } from './upload-fixtures.js';

describe('media over HTTP', () => {
  let server: RunningServer;
  let ada: TestClient;
  let song: Song;
  const bytes = wav(2, { title: 'Served', cover: TINY_PNG });

  beforeAll(async () => {
    server = await RunningServer.start({ DISK_RESERVE_BYTES: '0', MAX_UPLOAD_BYTES: '0', UPLOAD_TTL_MS: '3600000' });
    ada = await server.connect();
    await request(ada, 'room:join', { roomId: 'lobby', username: 'Ada' });
    const ack = await upload(ada, bytes);
    if (!ack.ok) throw new Error(ack.error.message);
    song = ack['song'] as Song;
  });

  afterAll(async () => {
    await server.stop();
  });

  const get = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${server.url}${path}`, init);

  it('serves the whole file with its type, validators and immutable caching', async () => {
    const response = await get(song.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('etag')).toBe(`"${song.id}"`);
    expect(response.headers.get('last-modified')).toBeTruthy();
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(song.id);
  });

  it('serves a byte range with 206 and Content-Range', async () => {
    const response = await get(song.url, { headers: { Range: 'bytes=100-199' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await get(song.url, { headers: { Range: 'bytes=-10' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
  });

  it('answers an unsatisfiable range with 416', async () => {
    const response = await get(song.url, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
  });

  it('answers HEAD with the headers only, and a matching If-None-Match with 304', async () => {
    const head = await get(song.url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    const cached = await get(song.url, { headers: { 'If-None-Match': `"${song.id}"` } });
    expect(cached.status).toBe(304);
  });

  it('serves the cover art the same way', async () => {
    expect(song.coverUrl).toBe(`/api/media/${song.id}/cover`);
    const response = await get(song.coverUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(TINY_PNG);
  });

  it.each([
    ['an unknown id', `/api/media/${'0'.repeat(64)}`],
    ['a short id', '/api/media/abc'],
    ['an upper-case id', () => `/api/media/${song.id.toUpperCase()}`],
    ['a path', '/api/media/..%2F..%2Fetc%2Fpasswd'],
    ['a path into the store', () => `/api/media/${song.id}.json`],
    ['the cover of an unknown id', `/api/media/${'f'.repeat(64)}/cover`],
  ])('answers %s with 404', async (_what, path) => {
    const response = await get(typeof path === 'function' ? path() : path);
    expect(response.status).toBe(404);
  });
});
