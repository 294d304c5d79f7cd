import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';

/**
 * Scaled mode: Socket.IO over Redis Streams, so `server.to(room).emit(…)` on
 * one node reaches the room's sockets on every node (see docs/architecture.md
 * for why streams rather than pub/sub).
 */
export class RedisIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly redis: Redis,
  ) {
    super(app);
  }

  // Typed through IoAdapter: Nest carries its own copy of socket.io's types.
  override createIOServer(port: number, options?: Parameters<IoAdapter['createIOServer']>[1]): ReturnType<IoAdapter['createIOServer']> {
    const server = super.createIOServer(port, options) as ReturnType<IoAdapter['createIOServer']> & {
      adapter(factory: unknown): unknown;
    };
    server.adapter(createAdapter(this.redis, { streamName: 'musync:socket.io', onlyPlaintext: true }));
    return server;
  }
}
