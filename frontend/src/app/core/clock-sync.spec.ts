import { TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { TIME_BURST, TIME_PER_SECOND } from '@musync/protocol';

import { ClockSync, LOCAL_NOW, pingIntervalMs } from './clock-sync';

/** The fake server's clock runs this far ahead of the browser's. */
const SERVER_AHEAD_MS = 12_345.5;
const ONE_WAY_MS = 20;

describe('ClockSync', () => {
  let socket: FakeSocket;
  let oneWayMs: number;
  /** Date.now() at each ping the fake server received. */
  let pingedAt: number[];
  /** Extra delay of the answer's way back (a busy page reads it late). */
  let backLagMs: () => number;

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
    backLagMs = () => 0;
    pingedAt = [];
    // A server that stamps t1 on receipt and t2 on reply (1 ms later), `oneWayMs` away each way.
    socket.answer('time:ping', ({ t0 }, ack) => {
      pingedAt.push(Date.now());
      const delay = oneWayMs;
      setTimeout(() => {
        const t1 = Date.now() + SERVER_AHEAD_MS;
        setTimeout(() => {
          const t2 = Date.now() + SERVER_AHEAD_MS;
          setTimeout(() => ack({ ok: true, t0, t1, t2 }), delay + backLagMs());
        }, 1);
      }, delay);
    });
  });

  afterEach(() => jest.useRealTimers());

  it('is steady once the estimate holds still for half a second, not while a busy page reads answers late', async () => {
    const start = Date.now();
    backLagMs = () => (Date.now() - start < 700 ? 8 : 0); // booting and decoding: answers read 8 ms late
    const clock = startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(600);
    expect(clock.steady()).toBe(true); // late alike, the answers agree: steady, but 4 ms off
    expect(clock.offset()).toBeCloseTo(SERVER_AHEAD_MS - 4, 0);
    await jest.advanceTimersByTimeAsync(300);
    expect(clock.offset()).toBeCloseTo(SERVER_AHEAD_MS, 6); // the first answers read on time move it
    expect(clock.steady()).toBe(false);
    await jest.advanceTimersByTimeAsync(600);
    expect(clock.steady()).toBe(true);
  });

  it('counts a connection 3 s old as steady even while its estimate keeps moving', async () => {
    const start = Date.now();
    backLagMs = () => Math.max(0, 80 - (Date.now() - start) / 50); // 1 ms less every 50 ms, for 4 s
    oneWayMs = 60;
    const clock = startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(2_500);
    expect(clock.steady()).toBe(false);
    await jest.advanceTimersByTimeAsync(700);
    expect(clock.steady()).toBe(true);
  });

  it('knows nothing before the first answer', () => {
    const clock = startClockSync();
    expect(clock.offset()).toBeNull();
    expect(clock.rtt()).toBeNull();
    expect(clock.serverNow()).toBeNull();
  });

  it('estimates the server offset and the round trip from a burst of pings after connecting', async () => {
    const clock = startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(999);

    expect(socket.sentPayloads('time:ping')).toHaveLength(40); // every 25 ms
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

  it('pings fast while the connection is young, then slower for good', async () => {
    startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(999);
    expect(pingedAt).toHaveLength(40); // 40 a second
    pingedAt = [];
    await jest.advanceTimersByTimeAsync(1_000);
    expect(pingedAt).toHaveLength(20); // 20 a second
    pingedAt = [];
    await jest.advanceTimersByTimeAsync(60_000);
    expect(pingedAt).toHaveLength(240); // 4 a second, for good
  });

  it('schedules pings by the connection’s age', () => {
    expect(pingIntervalMs(0)).toBe(25);
    expect(pingIntervalMs(999)).toBe(25);
    expect(pingIntervalMs(1_000)).toBe(50);
    expect(pingIntervalMs(1_999)).toBe(50);
    expect(pingIntervalMs(2_000)).toBe(250);
    expect(pingIntervalMs(30_000)).toBe(250);
    expect(pingIntervalMs(3_600_000)).toBe(250);
  });

  it('stays within the server’s clock-ping budget (TIME_BURST, TIME_PER_SECOND), sync reports included', async () => {
    startClockSync();
    socket.serverAccepts();
    await jest.advanceTimersByTimeAsync(60_000);
    // The server's token bucket, fed the pings plus a sync report every 5 s.
    const reports = Array.from({ length: 12 }, (_, i) => 1_700_000_000_000 + (i + 1) * 5_000);
    const events = [...pingedAt, ...reports].sort((a, b) => a - b);
    let tokens = TIME_BURST;
    let last = events[0]!;
    let least = tokens;
    for (const at of events) {
      tokens = Math.min(TIME_BURST, tokens + ((at - last) / 1000) * TIME_PER_SECOND) - 1;
      last = at;
      least = Math.min(least, tokens);
    }
    expect(least).toBeGreaterThanOrEqual(0);
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
    await jest.advanceTimersByTimeAsync(999);
    expect(socket.sentPayloads('time:ping')).toHaveLength(beforeOutage + 40);
  });

  it('starts right away when the socket is already connected', async () => {
    socket.serverAccepts();
    const clock = startClockSync();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(clock.offset()).toBeCloseTo(SERVER_AHEAD_MS, 6);
  });
});
