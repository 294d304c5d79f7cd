import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';

import { ClockSync } from '../core/clock-sync';
import { SocketClient } from '../core/socket-client';

const LABELS = { connected: 'connected', reconnecting: 'reconnecting…', offline: 'offline' } as const;

@Component({
  selector: 'app-connection-status',
  templateUrl: './connection-status.html',
  styleUrl: './connection-status.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionStatus {
  private readonly socket = inject(SocketClient);
  private readonly clock = inject(ClockSync);

  protected readonly state = this.socket.state;
  protected readonly label = computed(() => LABELS[this.state()]);
  protected readonly rttMs = computed(() => {
    const rtt = this.clock.rtt();
    return rtt === null ? null : Math.round(rtt);
  });
}
