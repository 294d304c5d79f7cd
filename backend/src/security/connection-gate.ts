import type { IncomingMessage } from 'node:http';

import { Injectable } from '@nestjs/common';

import { AppConfig } from '../config/config.module.js';
import { clientAddress, originAllowed } from './origin-policy.js';

/** Why a handshake was refused; Socket.IO hands the message to the client's `connect_error`. */
export type Refusal = 'origin not allowed' | 'too many connections from this address' | 'shutting down';

/** An engine.io connection, as far as admission needs it. */
export interface EngineSocket {
  readonly id: string;
  readonly request: IncomingMessage;
  close(): void;
}

/**
 * Admission of new Socket.IO connections: the origin allowlist and the number of
 * live connections per client address. Socket.IO's `cors` option does not cover
 * WebSocket upgrades, so this runs as the engine's `allowRequest`.
 */
@Injectable()
export class ConnectionGate {
  private readonly live = new Map<string, number>();
  private readonly open = new Set<EngineSocket>();
  private draining = false;
  /** Resolves drain()'s promise once the last open connection has closed. */
  private emptied: (() => void) | null = null;

  constructor(private readonly config: AppConfig) {}

  /**
   * Shutdown: refuses new connections and closes the open ones at the transport,
   * without Socket.IO's "server disconnect", so clients reconnect by themselves,
   * to whichever instance is up (another node, or this one restarted).
   * Resolves when every connection has closed (and its disconnect has begun).
   */
  drain(): Promise<void> {
    this.draining = true;
    const emptied = new Promise<void>((resolve) => (this.emptied = resolve));
    for (const socket of this.open) socket.close();
    if (this.open.size === 0) this.emptied?.();
    return emptied;
  }

  /** The refusal for this handshake, or null to let it in. */
  check(request: IncomingMessage): Refusal | null {
    if (this.draining) return 'shutting down';
    if (!originAllowed(request.headers.origin, request.headers.host, this.config.ALLOWED_ORIGINS)) {
      return 'origin not allowed';
    }
    if ((this.live.get(this.addressOf(request)) ?? 0) >= this.config.MAX_CONNECTIONS_PER_IP) {
      return 'too many connections from this address';
    }
    return null;
  }

  /** Counts a connection that got in; false when its address is already full (handshakes that raced). */
  opened(socket: EngineSocket): boolean {
    const address = this.addressOf(socket.request);
    const count = this.live.get(address) ?? 0;
    if (this.draining || count >= this.config.MAX_CONNECTIONS_PER_IP) return false;
    this.live.set(address, count + 1);
    this.open.add(socket);
    return true;
  }

  closed(socket: EngineSocket): void {
    this.open.delete(socket);
    if (this.draining && this.open.size === 0) this.emptied?.();
    const address = this.addressOf(socket.request);
    const count = (this.live.get(address) ?? 1) - 1;
    if (count <= 0) this.live.delete(address);
    else this.live.set(address, count);
  }

  addressOf(request: IncomingMessage): string {
    return clientAddress(request, this.config.TRUST_PROXY);
  }
}
