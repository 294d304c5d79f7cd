import {
  AddLocalSongSchema,
  AdminClaimSchema,
  ChatSendSchema,
  CopiesReportSchema,
  ControlSchema,
  ErrorCode,
  JoinRequestSchema,
  MAX_MESSAGE_BYTES,
  MoveSongSchema,
  RemoveSongSchema,
  RequestApproveSchema,
  RequestCreateSchema,
  RequestFulfilSchema,
  RequestRefSchema,
  RequestRejectSchema,
  SeekSchema,
  SelectSchema,
  SettingsSchema,
  SnapshotRequestSchema,
  SkipSchema,
  SongReadySchema,
  SongStepSchema,
  SyncReportSchema,
  TimePingSchema,
  UploadChunkSchema,
  UploadRefSchema,
  UploadStartSchema,
  VoteSkipSchema,
  type ClientEventName,
} from '@musync/protocol';
import fc from 'fast-check';
import type * as z from 'zod';

import { enter, request, RunningServer, song, type TestClient } from './harness.js';

const UPLOAD_ID = '7b0c3f5e-2d7a-4c1e-9f3a-1a2b3c4d5e6f';

/**
 * Every client event with its schema and one valid payload, which the fuzzer
 * mutates. `satisfies Record<ClientEventName, …>`: a new event fails to compile
 * here until it is fuzzed too.
 */
const EVENTS = {
  'room:join': { schema: JoinRequestSchema, valid: { roomId: 'fuzz', username: 'Zed', passcode: 'x' } },
  'room:configure': { schema: SettingsSchema, valid: { control: 'everyone', passcode: 'open sesame' } },
  'admin:claim': { schema: AdminClaimSchema, valid: { password: 'correct horse' } },
  'room:snapshot': { schema: SnapshotRequestSchema, valid: {} },
  'time:ping': { schema: TimePingSchema, valid: { t0: 1 } },
  'sync:report': { schema: SyncReportSchema, valid: { rtt: 10, latencyMs: 5, errorMs: null } },
  'playback:play': { schema: ControlSchema, valid: {} },
  'playback:pause': { schema: ControlSchema, valid: { version: 1 } },
  'playback:next': { schema: SongStepSchema, valid: { fromSongId: 'a' } },
  'playback:previous': { schema: SongStepSchema, valid: { fromSongId: 'a' } },
  'playback:ended': { schema: SongStepSchema, valid: { fromSongId: 'a' } },
  'playback:skip': { schema: SkipSchema, valid: { by: 10 } },
  'playback:seek': { schema: SeekSchema, valid: { position: 5 } },
  'playback:select': { schema: SelectSchema, valid: { songId: 'a' } },
  'playback:ready': { schema: SongReadySchema, valid: { songId: 'a' } },
  'playback:vote-skip': { schema: VoteSkipSchema, valid: { songId: 'a' } },
  'chat:send': { schema: ChatSendSchema, valid: { text: 'hi' } },
  'requests:create': { schema: RequestCreateSchema, valid: { title: 'Song', artist: 'Band', note: 'please' } },
  'requests:vote': { schema: RequestRefSchema, valid: { requestId: 'r1' } },
  'requests:withdraw': { schema: RequestRefSchema, valid: { requestId: 'r1' } },
  'requests:approve': { schema: RequestApproveSchema, valid: { requestId: 'r1', note: 'ok' } },
  'requests:reject': { schema: RequestRejectSchema, valid: { requestId: 'r1', reason: 'no' } },
  'requests:fulfil': { schema: RequestFulfilSchema, valid: { requestId: 'r1', songId: 'a' } },
  'playlist:remove': { schema: RemoveSongSchema, valid: { songId: 'a' } },
  'playlist:move': { schema: MoveSongSchema, valid: { songId: 'a', toIndex: 0 } },
  'playlist:add-local': {
    schema: AddLocalSongSchema,
    valid: { fingerprint: 'f'.repeat(64), size: 1000, duration: 60, title: 'Mine', artist: null, album: null },
  },
  'copies:report': { schema: CopiesReportSchema, valid: { fingerprints: ['f'.repeat(64)] } },
  'upload:start': { schema: UploadStartSchema, valid: { name: 'a.wav', size: 10, type: 'audio/wav' } },
  'upload:chunk': { schema: UploadChunkSchema, valid: { uploadId: UPLOAD_ID, offset: 0, data: Buffer.from('RIFF') } },
  'upload:status': { schema: UploadRefSchema, valid: { uploadId: UPLOAD_ID } },
  'upload:finish': { schema: UploadRefSchema, valid: { uploadId: UPLOAD_ID } },
  'upload:cancel': { schema: UploadRefSchema, valid: { uploadId: UPLOAD_ID } },
} satisfies Record<ClientEventName, { schema: z.ZodType; valid: Record<string, unknown> }>;

type Payload = Record<string, unknown>;

/** An object with an own `key` (object literals and spreads would set the prototype for `__proto__`). */
function withOwn(base: Payload, key: string, value: unknown): Payload {
  const copy = { ...base };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i += 1) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Known hostile values, put in place of each field and of the whole payload. */
const NASTY_VALUES: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  1e308,
  -1e308,
  2 ** 53 + 1,
  Number.MIN_VALUE,
  '',
  ' ',
  'x'.repeat(60_000),
  '\u0000',
  '\u202e\u200b',
  '../../etc/passwd',
  '<img src=x onerror=alert(1)>',
  null,
  true,
  [],
  {},
  Buffer.from('binary where text is expected'),
  new Uint8Array(0),
  nested(2_000, 'deep'),
  withOwn({}, '__proto__', { admin: true, polluted: true }),
  { constructor: { prototype: { polluted: true } } },
];

/** The hand-written hostile payloads of one event. */
function nastyPayloads(valid: Payload): unknown[] {
  const whole = NASTY_VALUES;
  const perField = Object.keys(valid).flatMap((key) => NASTY_VALUES.map((value) => ({ ...valid, [key]: value })));
  const missing = Object.keys(valid).map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key)));
  const extra = [
    withOwn(valid, '__proto__', { admin: true, polluted: true }),
    { ...valid, constructor: { prototype: { polluted: true } } },
    { ...valid, prototype: { polluted: true } },
    { ...valid, admin: true },
    { ...valid, extra: nested(500, 1) },
  ];
  return [...whole, ...perField, ...missing, ...extra, [valid], [valid, valid]];
}

/** Generated mutations of the valid payload, and arbitrary values. */
function generatedPayloads(valid: Payload): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  const anyValue = fc.anything({ maxDepth: 4, withBoxedValues: false });
  const fieldKey = keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('x');
  const extraKey = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'));
  return fc.oneof(
    anyValue,
    fc.tuple(fieldKey, anyValue).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(extraKey, anyValue).map(([key, value]) => withOwn(valid, key, value)),
    fc.tuple(fieldKey, fc.string({ minLength: 0, maxLength: 3000 })).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(fieldKey, fc.double()).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.tuple(fieldKey, fc.uint8Array({ maxLength: 64 })).map(([key, value]) => ({ ...valid, [key]: Buffer.from(value) })),
    fc.dictionary(fc.constantFrom(...keys, 'x', '__proto__'), anyValue),
  );
}

/**
 * What the server receives after Socket.IO's JSON-with-attachments encoding.
 * A payload holding binary is rebuilt key by key by socket.io-client's encoder,
 * where assigning an own `__proto__` key sets the copy's prototype instead: that
 * key never leaves the client.
 */
function onTheWire(value: unknown): unknown {
  return wireValue(value, hasBinary(value));
}

function hasBinary(value: unknown): boolean {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return true;
  if (value === null || typeof value !== 'object') return false;
  const seen = new Set<unknown>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current instanceof Uint8Array || current instanceof ArrayBuffer) return true;
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    for (const key of Object.keys(current)) stack.push((current as Payload)[key]);
  }
  return false;
}

function wireValue(value: unknown, binary: boolean): unknown {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return Buffer.from(value as Uint8Array);
  if (typeof value === 'number') return Number.isFinite(value) ? value + 0 : null;
  if (Array.isArray(value)) {
    return value.map((item: unknown) =>
      item === undefined || typeof item === 'function' || typeof item === 'symbol' ? null : wireValue(item, binary),
    );
  }
  if (value !== null && typeof value === 'object') {
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return wireValue(json.call(value), binary);
    const out: Payload = {};
    for (const key of Object.keys(value)) {
      const field = (value as Payload)[key];
      if (field === undefined || typeof field === 'function' || typeof field === 'symbol') continue;
      if (binary && key === '__proto__') continue;
      Object.defineProperty(out, key, { value: wireValue(field, binary), enumerable: true, configurable: true, writable: true });
    }
    return out;
  }
  return value;
}

function isInvalid(schema: z.ZodType, payload: unknown): boolean {
  return !schema.safeParse(onTheWire(payload)).success;
}

function emit(client: TestClient, event: ClientEventName, args: unknown[]) {
  const timed = client.timeout(2000) as unknown as { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> };
  return timed.emitWithAck(event, ...args);
}

async function expectRefused(client: TestClient, event: ClientEventName, payload: unknown): Promise<void> {
  const ack = await request(client, event, payload);
  expect(ack).toEqual({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD, message: expect.any(String) } });
}

describe('every client event under malformed payloads (fast-check, real sockets)', () => {
  let server: RunningServer;
  let admin: TestClient;
  let other: TestClient;

  beforeAll(async () => {
    // Rate limits off the way (they have their own spec): every payload reaches validation.
    server = await RunningServer.start({ RATE_LIMIT_SCALE: '10000', MAX_CONNECTIONS_PER_IP: '1000' });
    admin = (await enter(server, 'Ada', { roomId: 'fuzz', clientToken: 'fuzz-admin-token-0001' })).client;
    other = (await enter(server, 'Bob', { roomId: 'fuzz' })).client;
    await server.seed('fuzz', [song('a', 60), song('b', 90)]);
    expect((await request(other, 'chat:send', { text: 'before the fuzz' })).ok).toBe(true);
    expect((await request(other, 'requests:create', { title: 'A request' })).ok).toBe(true);
  });

  afterAll(async () => {
    await server.stop();
  });

  it.each(Object.keys(EVENTS) as ClientEventName[])(
    '%s: every bad payload gets INVALID_PAYLOAD and the room is unchanged',
    async (event) => {
      const { schema, valid } = EVENTS[event] as { schema: z.ZodType; valid: Payload };
      expect(schema.safeParse(onTheWire(valid)).success).toBe(true);
      const before = await server.snapshot('fuzz');

      for (const payload of nastyPayloads(valid)) {
        if (isInvalid(schema, payload)) await expectRefused(admin, event, payload);
      }
      // More than one argument, and none at all.
      for (const args of [[valid, 'extra'], [], [null, null]]) {
        expect(await emit(admin, event, args)).toMatchObject({ ok: false, error: { code: ErrorCode.INVALID_PAYLOAD } });
      }
      await fc.assert(
        fc.asyncProperty(
          generatedPayloads(valid).filter((payload) => isInvalid(schema, payload)),
          async (payload) => {
            await expectRefused(admin, event, payload);
          },
        ),
        { numRuns: 300 },
      );

      expect(await server.snapshot('fuzz')).toEqual(before);
      expect(Object.keys(Object.prototype)).toEqual([]);
      expect((await request(other, 'time:ping', { t0: 1 })).ok).toBe(true);
    },
    60_000,
  );

  it('drops a message over the size limit by closing that connection, and keeps serving the rest', async () => {
    const before = await server.snapshot('fuzz');
    const big = await server.connect();
    const closed = new Promise<string>((resolve) => big.once('disconnect', resolve));
    void emit(big, 'chat:send', [{ text: 'x'.repeat(MAX_MESSAGE_BYTES + 1024) }]).catch(() => undefined);
    await closed;
    expect((await request(other, 'time:ping', { t0: 2 })).ok).toBe(true);
    expect(await server.snapshot('fuzz')).toEqual(before);
  });
});
