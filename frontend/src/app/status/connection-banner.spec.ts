import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ConnectionBanner } from './connection-banner';

describe('ConnectionBanner', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<ConnectionBanner>;

  const banner = (): HTMLElement | null => (fixture.nativeElement as HTMLElement).querySelector('[data-testid="connection-banner"]');

  beforeEach(async () => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    fixture = TestBed.createComponent(ConnectionBanner);
    socket.serverAccepts();
    await fixture.whenStable();
  });

  it('is absent while connected', () => {
    expect(banner()).toBeNull();
  });

  it('says reconnecting when the link drops, offline when retrying ends, and goes when back', async () => {
    socket.connectionLost();
    await fixture.whenStable();
    expect(banner()?.dataset['state']).toBe('reconnecting');
    expect(banner()?.textContent).toContain('Reconnecting');

    socket.serverCloses();
    await fixture.whenStable();
    expect(banner()?.dataset['state']).toBe('offline');
    expect(banner()?.textContent).toContain('Offline');

    socket.serverAccepts();
    await fixture.whenStable();
    expect(banner()).toBeNull();
  });
});
