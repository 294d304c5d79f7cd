import { LEAD_CAP_MS, LEAD_FLOOR_MS } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { leadFor, SyncService } from './sync.service.js';

describe('leadFor (the adaptive scheduling lead)', () => {
  it('covers the slowest member’s one-way delay with margin', () => {
    // 200 ms round trip → 100 ms one way → 100 × 1.5 + 40.
    expect(leadFor([10, 200, 30])).toBe(190);
  });

  it('never goes below the floor, even on a perfect LAN', () => {
    expect(leadFor([0.4, 1])).toBe(LEAD_FLOOR_MS);
    expect(leadFor([])).toBe(LEAD_FLOOR_MS);
  });

  it('never goes above the cap, whatever one member’s link', () => {
    expect(leadFor([20, 5000])).toBe(LEAD_CAP_MS);
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
    expect(service.report('r', 'a', 20)).toBeNull(); // still the floor
    expect(service.report('r', 'b', 200)).toBe(190);
    expect(service.report('r', 'b', 205)).toBeNull(); // 194: not worth a write
    expect(service.report('r', 'b', 240)).toBe(220);
  });

  it('lowers the lead when the slowest member leaves, and forgets empty rooms', () => {
    const service = sync();
    service.report('r', 'a', 20);
    service.report('r', 'b', 400);
    expect(service.forget('r', 'b')).toBe(LEAD_FLOOR_MS);
    expect(service.forget('r', 'a')).toBeNull();
    expect(service.report('r', 'c', 20)).toBeNull(); // a fresh room starts at the floor
  });

  it('keeps rooms apart', () => {
    const service = sync();
    expect(service.report('slow', 'a', 600)).toBe(490);
    expect(service.report('fast', 'b', 10)).toBeNull();
  });
});
