import 'reflect-metadata';

import { mkdir } from 'node:fs/promises';

import type { DynamicModule, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import { RedisLink } from './cluster/redis-link.js';
import { AppConfig } from './config/config.module.js';
import { requestId } from './logging/request-id.js';
import { applyHttpSecurity } from './security/http-security.js';
import { MusyncIoAdapter } from './security/musync-io.adapter.js';

interface CreateOptions {
  readonly logger?: false | LogLevel[] | LoggerService;
  /** The root module; tests wrap AppModule with test-only modules. */
  readonly module?: () => DynamicModule;
}

/** Builds the whole app (not yet listening), for `main.ts` and for tests. */
export async function createMusync({
  module = () => AppModule.forRoot(),
  ...options
}: CreateOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module(), { abortOnError: false, ...options });
  // Signals are handled by exitGracefullyOnSignals (main.ts): drain first, then close.
  app.use(requestId);
  applyHttpSecurity(app);
  // Scaled mode (REDIS_URL): broadcasts also cross nodes through Redis.
  app.useWebSocketAdapter(new MusyncIoAdapter(app, app.get(RedisLink).client));
  await mkdir(app.get(AppConfig).DATA_DIR, { recursive: true });
  return app;
}
