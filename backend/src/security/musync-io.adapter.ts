import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';

import { bindMessageHandlers } from '../common/message-binding.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { MusyncServer } from '../room/socket.types.js';
import { ConnectionGate, type EngineSocket } from './connection-gate.js';

type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoOptions = Parameters<IoAdapter['createIOServer']>[1];

type EngineConnection = EngineSocket & { once(event: 'close', listener: () => void): void };

/**
 * Socket.IO with Musync's admission rules (origin allowlist, connections per
 * address) on the engine, and in scaled mode (a Redis client given) over Redis
 * Streams, so `server.to(room).emit(…)` on one node reaches the room's sockets
 * on every node (see docs/architecture.md for why streams rather than pub/sub).
 */
export class MusyncIoAdapter extends IoAdapter {
  readonly gate: ConnectionGate;
  private readonly log = new Logger('Connections');
  private readonly handlerLog = new Logger('Gateway');

  constructor(
    private readonly app: INestApplicationContext,
    private readonly redis: Redis | null = null,
  ) {
    super(app);
    this.gate = app.get(ConnectionGate);
  }

  override createIOServer(port: number, options?: IoOptions): IoServer {
    const server = super.createIOServer(port, {
      ...(options as NonNullable<IoOptions>),
      allowRequest: (request, callback) => {
        const refusal = this.gate.check(request);
        if (refusal) this.log.warn({ msg: `refused: ${refusal}`, address: this.gate.addressOf(request), origin: request.headers.origin });
        callback(refusal, refusal === null);
      },
    });
    if (this.redis) server.adapter(createAdapter(this.redis, { streamName: 'musync:socket.io', onlyPlaintext: true }));
    server.engine.on('connection', (socket: EngineConnection) => {
      // Handshakes that raced past allowRequest: the address is full, close this one.
      const fields = { connectionId: socket.id, address: this.gate.addressOf(socket.request) };
      if (!this.gate.opened(socket)) {
        this.log.warn({ msg: 'refused: address full or shutting down', ...fields });
        socket.close();
        return;
      }
      this.log.debug({ msg: 'connected', ...fields });
      socket.once('close', () => {
        this.gate.closed(socket);
        this.log.debug({ msg: 'disconnected', ...fields });
      });
    });
    // Two copies of socket.io's types (ours, Nest's) describe the one server.
    this.app.get(MetricsService).attach(server as unknown as MusyncServer);
    return server;
  }

  /** Each event a plain listener instead of Nest's RxJS pipeline per event per connection (message-binding.ts). */
  override bindMessageHandlers(...[socket, handlers]: Parameters<IoAdapter['bindMessageHandlers']>): void {
    bindMessageHandlers(socket, handlers, this.handlerLog);
  }
}
