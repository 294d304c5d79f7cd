import { TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ClockSync, LOCAL_NOW } from './clock-sync';

/** The fake server's clock runs this far ahead of the browser's. */
const SERVER_AHEAD_MS = 12_345.5;
const ONE_WAY_MS = 20;

describe('ClockSync', () => {
  let socket: FakeSocket;
  let oneWayMs: number;

  function startClockSync(): ClockSync {
    TestBed.configureTestingModule({
      // Date.now() follows jest's fake clock; the app itself uses the performance clock.
      providers: [provideFakeSocket(socket), { provide: LOCAL_NOW, useValue: () => Date.now() }],
    });
    return TestBed.inject(ClockSync);
  }

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    socket = new FakeSocket();
    oneWayMs = ONE_WAY_MS;
    // A server that stamps t1 on receipt and t2 on reply (1 ms later), `oneWayMs` away each way.
    socket.answer('time:ping', ({ t0 }, ack) => {
      const delay = oneWayMs;
      setTimeout(() => {
        const t1 = Date.now() + SERVER_AHEAD_MS;
        setTimeout(() => {
          const t2 = Date.now() + SERVER_AHEAD_MS;
          setTimeout(() => ack({ ok: true, t0, t1, t2 }), delay);
        }, 1);
      }, delay);
    });
  });

  afterEach(() => jest.useRealTimers());

  it('knows nothing before the first answer', () => {
    const clock = startClockSync();
    expect(clock.offset()).toBeNull();
    expect(clock.rtt()).toBeNull();
    expect(clock.serverNow()).toBeNull();
  });

  it('estimates the server offset and the round trip from a burst of pings after connecting', async () => {
    const clock = startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(1_000);

    expect(socket.sentPayloads('time:ping')).toHaveLength(16);
    expect(clock.offset()).toBeCloseTo(SERVER_AHEAD_MS, 6);
    expect(clock.rtt()).toBeCloseTo(2 * ONE_WAY_MS, 6);
    expect(clock.serverNow()).toBeCloseTo(Date.now() + SERVER_AHEAD_MS, 6);
  });

  it('stamps each ping with the local clock at sending', async () => {
    startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(0);
    expect(socket.sentPayloads('time:ping')[0]).toEqual({ t0: Date.now() });
  });

  it('keeps pinging periodically after the burst', async () => {
    startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(1_000);
    const afterBurst = socket.sentPayloads('time:ping').length;
    await jest.advanceTimersByTimeAsync(3 * 1_000);
    expect(socket.sentPayloads('time:ping').length - afterBurst).toBe(3);
  });

  it('trusts the least delays when some replies are held up', async () => {
    const clock = startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(1_000);
    // A busy network (or a throttled background tab) slows the periodic pings down.
    oneWayMs = 400;
    await jest.advanceTimersByTimeAsync(10 * 1_000);
    expect(clock.rtt()).toBeCloseTo(2 * ONE_WAY_MS, 6);
    expect(clock.offset()).toBeCloseTo(SERVER_AHEAD_MS, 6);
  });

  it('stops pinging while disconnected and starts a new burst on reconnect', async () => {
    startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(1_000);
    socket.connectionLost();
    const beforeOutage = socket.sentPayloads('time:ping').length;
    await jest.advanceTimersByTimeAsync(30_000);
    expect(socket.sentPayloads('time:ping')).toHaveLength(beforeOutage);

    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(socket.sentPayloads('time:ping')).toHaveLength(beforeOutage + 16);
  });

  it('starts right away when the socket is already connected', async () => {
    socket.serverAccepts();
    const clock = startClockSync();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(clock.offset()).toBeCloseTo(SERVER_AHEAD_MS, 6);
  });
});
