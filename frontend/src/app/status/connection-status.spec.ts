import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ConnectionStatus } from './connection-status';

describe('ConnectionStatus', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<ConnectionStatus>;
  let root: HTMLElement;

  const status = (): string | undefined => root.querySelector('[data-testid="connection-status"]')?.textContent?.trim();
  const rtt = (): string | undefined => root.querySelector('[data-testid="clock-rtt"]')?.textContent?.trim();

  beforeEach(async () => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    fixture = TestBed.createComponent(ConnectionStatus);
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  });

  it('shows offline before the first connection, without a round trip', () => {
    expect(status()).toBe('offline');
    expect(rtt()).toBeUndefined();
  });

  it('shows connected, then reconnecting when the link drops, then offline when retrying ends', async () => {
    socket.serverAccepts();
    await fixture.whenStable();
    expect(status()).toBe('connected');

    socket.connectionLost();
    await fixture.whenStable();
    expect(status()).toMatch(/^reconnecting/);

    socket.serverCloses();
    await fixture.whenStable();
    expect(status()).toBe('offline');
  });

  it('shows the clock round trip once measured', async () => {
    // Replies 3 ms after each ping is sent, however it is measured.
    socket.answer('time:ping', ({ t0 }, ack) => {
      setTimeout(() => ack({ ok: true, t0, t1: t0, t2: t0 }), 3);
    });
    socket.serverAccepts();
    // Real timers: wait for the first answer however busy the machine is (up to 2 s).
    for (let waited = 0; !rtt() && waited < 2000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      await fixture.whenStable();
    }
    const [, ms] = /^rtt (\d+) ms$/.exec(rtt() ?? '') ?? [];
    expect(Number(ms)).toBeGreaterThanOrEqual(3);
  });
});
