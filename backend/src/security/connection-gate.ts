import type { IncomingMessage } from 'node:http';

import { clientAddress, originAllowed } from './origin-policy.js';

export interface GateSettings {
  readonly allowedOrigins: readonly string[];
  readonly trustProxy: boolean;
  readonly maxConnectionsPerIp: number;
}

/** Why a handshake was refused; Socket.IO hands the message to the client's `connect_error`. */
export type Refusal = 'origin not allowed' | 'too many connections from this address';

/**
 * Admission of new Socket.IO connections: the origin allowlist and the number of
 * live connections per client address. Socket.IO's `cors` option does not cover
 * WebSocket upgrades, so this runs as the engine's `allowRequest`.
 */
export class ConnectionGate {
  private readonly live = new Map<string, number>();

  constructor(private readonly settings: GateSettings) {}

  /** The refusal for this handshake, or null to let it in. */
  check(request: IncomingMessage): Refusal | null {
    if (!originAllowed(request.headers.origin, request.headers.host, this.settings.allowedOrigins)) {
      return 'origin not allowed';
    }
    if ((this.live.get(this.addressOf(request)) ?? 0) >= this.settings.maxConnectionsPerIp) {
      return 'too many connections from this address';
    }
    return null;
  }

  /** Counts a connection that got in; false when its address is already full (handshakes that raced). */
  opened(request: IncomingMessage): boolean {
    const address = this.addressOf(request);
    const count = this.live.get(address) ?? 0;
    if (count >= this.settings.maxConnectionsPerIp) return false;
    this.live.set(address, count + 1);
    return true;
  }

  closed(request: IncomingMessage): void {
    const address = this.addressOf(request);
    const count = (this.live.get(address) ?? 1) - 1;
    if (count <= 0) this.live.delete(address);
    else this.live.set(address, count);
  }

  addressOf(request: IncomingMessage): string {
    return clientAddress(request, this.settings.trustProxy);
  }
}
