import { LEAD_CAP_MS, LEAD_FLOOR_MS } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { leadFor, SyncService } from './sync.service.js';

describe('leadFor (the adaptive scheduling lead)', () => {
  const quiet = (rtt: number): { rtt: number; latencyMs: number } => ({ rtt, latencyMs: 0 });

  it('covers the slowest member’s one-way delay with margin', () => {
    // 200 ms round trip → 100 ms one way → 100 × 1.5 + 40.
    expect(leadFor([quiet(10), quiet(200), quiet(30)])).toBe(190);
  });

  it('covers a member’s audio device latency too (e.g. Bluetooth with an output delay)', () => {
    // 20 ms round trip → 15 ms, plus 250 ms of device latency, plus 40.
    expect(leadFor([quiet(100), { rtt: 20, latencyMs: 250 }])).toBe(305);
  });

  it('never goes below the floor, even on a perfect LAN', () => {
    expect(leadFor([quiet(0.4), quiet(1)])).toBe(LEAD_FLOOR_MS);
    expect(leadFor([])).toBe(LEAD_FLOOR_MS);
  });

  it('never goes above the cap, whatever one member’s link', () => {
    expect(leadFor([quiet(20), quiet(5000)])).toBe(LEAD_CAP_MS);
  });
});

describe('SyncService', () => {
  const sync = (): SyncService => new SyncService(new ServerClock());

  it('answers a ping with receive and send times around the server clock', () => {
    const clock = new ServerClock();
    const received = clock.now();
    const pong = new SyncService(clock).pong({ t0: 42 }, received);
    expect(pong.t0).toBe(42);
    expect(pong.t1).toBe(received);
    expect(pong.t2).toBeGreaterThanOrEqual(received);
  });

  it('reports a new room lead only when it moves by 10 ms or more', () => {
    const service = sync();
    expect(service.report('r', 'a', { rtt: 20, latencyMs: 0 })).toBeNull(); // still the floor
    expect(service.report('r', 'b', { rtt: 200, latencyMs: 0 })).toBe(190);
    expect(service.report('r', 'b', { rtt: 205, latencyMs: 0 })).toBeNull(); // 194: not worth a write
    expect(service.report('r', 'b', { rtt: 240, latencyMs: 0 })).toBe(220);
  });

  it('lowers the lead when the slowest member leaves, and forgets empty rooms', () => {
    const service = sync();
    service.report('r', 'a', { rtt: 20, latencyMs: 0 });
    service.report('r', 'b', { rtt: 400, latencyMs: 0 });
    expect(service.forget('r', 'b')).toBe(LEAD_FLOOR_MS);
    expect(service.forget('r', 'a')).toBeNull();
    // A room whose last member here needed more than the floor: this node now asks for the floor only.
    service.report('r', 'd', { rtt: 400, latencyMs: 0 });
    expect(service.forget('r', 'd')).toBe(LEAD_FLOOR_MS);
    expect(service.report('r', 'c', { rtt: 20, latencyMs: 0 })).toBeNull(); // a fresh room starts at the floor
  });

  it('keeps rooms apart', () => {
    const service = sync();
    expect(service.report('slow', 'a', { rtt: 600, latencyMs: 0 })).toBe(490);
    expect(service.report('fast', 'b', { rtt: 10, latencyMs: 0 })).toBeNull();
  });
});
