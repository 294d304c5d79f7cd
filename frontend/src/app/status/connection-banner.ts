import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';

import { SocketClient } from '../core/socket-client';

const MESSAGES = {
  reconnecting: 'Reconnecting… your place in the room is kept and the music catches up when the connection is back.',
  offline: 'Offline. Check your connection; the room reconnects by itself.',
} as const;

/** A strip under the header while the connection is down; gone as soon as it is back. */
@Component({
  selector: 'app-connection-banner',
  template: `
    <!-- Seen, not announced: the header's connection status is the live region for the same change. -->
    @if (message(); as text) {
      <p class="banner" data-testid="connection-banner" [attr.data-state]="state()">{{ text }}</p>
    }
  `,
  styles: `
    .banner {
      margin: 0;
      padding: 0.5rem clamp(1rem, 4vw, 2rem);
      font-weight: 600;
      text-align: center;
      color: var(--text);
      background: var(--surface-raised);
      border-bottom: 3px solid var(--warn);
    }

    .banner[data-state='offline'] {
      border-bottom-color: var(--danger);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConnectionBanner {
  protected readonly state = inject(SocketClient).state;
  protected readonly message = computed(() => {
    const state = this.state();
    return state === 'connected' ? null : MESSAGES[state];
  });
}
