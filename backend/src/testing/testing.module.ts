import { resolve } from 'node:path';

import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';

import { AppModule } from '../app.module.js';
import { RoomModule } from '../room/room.module.js';
import { SeedingController } from './seeding.controller.js';

/** Fixture audio that tests generate (click tracks), served with Range like real media. */
const TEST_MEDIA_DIR = resolve(process.env['TEST_MEDIA_DIR'] ?? 'test-media');

/** The whole app plus the test-only seeding endpoints. */
@Module({
  imports: [
    ServeStaticModule.forRoot({ rootPath: TEST_MEDIA_DIR, serveRoot: '/api/test/media', renderPath: '/__none__' }),
    AppModule,
    RoomModule,
  ],
  controllers: [SeedingController],
})
export class TestingAppModule {}
