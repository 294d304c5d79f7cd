import type { TimePong } from '@musync/protocol';

import { request, type TestClient } from './harness.js';
import { useCluster } from './cluster.harness.js';

const SKEW_MS = 3_000;

/** The client's best (lowest round-trip) estimate of server time minus its own clock, NTP-style. */
async function offsetOf(client: TestClient, pings = 40): Promise<number> {
  const local = (): number => performance.timeOrigin + performance.now();
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < pings; i++) {
    const t0 = local();
    const ack = await request(client, 'time:ping', { t0 });
    const t3 = local();
    if (!ack.ok) throw new Error(ack.error.message);
    const { t1, t2 } = ack as unknown as TimePong;
    const rtt = t3 - t0 - (t2 - t1);
    if (rtt < best.rtt) best = { rtt, offset: (t1 - t0 + (t2 - t3)) / 2 };
  }
  return best.offset;
}

describe('scaled mode: one clock for the cluster', () => {
  const cluster = useCluster('all');

  it('listeners on node A and on node B (its host clock 3 s off) agree on server time within 1 ms', async () => {
    const a = await cluster().startNode();
    const b = await cluster().startNode({ TEST_CLOCK_SKEW_MS: String(SKEW_MS) });
    const [onA, onB] = [await cluster().connect(a), await cluster().connect(b)];
    expect(Math.abs((await offsetOf(onA)) - (await offsetOf(onB)))).toBeLessThan(1);
  });

  it('the skew is real: a node with the same skew outside the cluster serves its own clock', async () => {
    const loner = await cluster().startNode({ TEST_CLOCK_SKEW_MS: String(SKEW_MS), REDIS_URL: '' });
    const member = await cluster().startNode();
    const gap = (await offsetOf(await cluster().connect(loner))) - (await offsetOf(await cluster().connect(member)));
    expect(Math.abs(gap - SKEW_MS)).toBeLessThan(1);
  });
});
