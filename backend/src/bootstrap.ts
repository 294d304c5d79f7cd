import 'reflect-metadata';

import { mkdir } from 'node:fs/promises';

import type { DynamicModule, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import { RedisIoAdapter } from './cluster/redis-io.adapter.js';
import { RedisLink } from './cluster/redis-link.js';
import { AppConfig } from './config/config.module.js';

interface CreateOptions {
  readonly logger?: false | LogLevel[];
  /** The root module; tests wrap AppModule with test-only modules. */
  readonly module?: () => DynamicModule;
}

/** Builds the whole app (not yet listening), for `main.ts` and for tests. */
export async function createMusync({
  module = () => AppModule.forRoot(),
  ...options
}: CreateOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module(), { abortOnError: false, ...options });
  app.enableShutdownHooks();
  // Scaled mode: broadcasts cross nodes through Redis.
  const redis = app.get(RedisLink).client;
  if (redis) app.useWebSocketAdapter(new RedisIoAdapter(app, redis));
  await mkdir(app.get(AppConfig).DATA_DIR, { recursive: true });
  return app;
}
