import 'reflect-metadata';

import { mkdir } from 'node:fs/promises';

import type { LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';

import { AppModule } from './app.module.js';
import { AppConfig } from './config/config.module.js';

/** Builds the whole app (not yet listening), for `main.ts` and for tests. */
export async function createMusync(options: { logger?: false | LogLevel[] } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { abortOnError: false, ...options });
  app.enableShutdownHooks();
  await mkdir(app.get(AppConfig).DATA_DIR, { recursive: true });
  return app;
}
