import type { IncomingMessage } from 'node:http';

import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';

import { AppConfig } from '../config/config.module.js';
import { ConnectionGate } from './connection-gate.js';

type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];

/** An engine.io connection, as far as admission needs it. */
interface EngineSocket {
  readonly request: IncomingMessage;
  close(): void;
  once(event: 'close', listener: () => void): void;
}

/** Socket.IO with Musync's admission rules (origin allowlist, connections per address) on the engine. */
export class MusyncIoAdapter extends IoAdapter {
  readonly gate: ConnectionGate;

  constructor(app: INestApplicationContext) {
    super(app);
    const config = app.get(AppConfig);
    this.gate = new ConnectionGate({
      allowedOrigins: config.ALLOWED_ORIGINS,
      trustProxy: config.TRUST_PROXY,
      maxConnectionsPerIp: config.MAX_CONNECTIONS_PER_IP,
    });
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    const server = super.createIOServer(port, {
      ...(options as NonNullable<IoOptions>),
      allowRequest: (request, callback) => {
        const refusal = this.gate.check(request);
        callback(refusal, refusal === null);
      },
    });
    server.engine.on('connection', (socket: EngineSocket) => {
      // Handshakes that raced past allowRequest: the address is full, close this one.
      if (!this.gate.opened(socket.request)) {
        socket.close();
        return;
      }
      socket.once('close', () => this.gate.closed(socket.request));
    });
    return server;
  }
}
