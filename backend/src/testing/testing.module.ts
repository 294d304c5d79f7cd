import { resolve } from 'node:path';

import { Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';

import { AppModule } from '../app.module.js';
import { RoomModule } from '../room/room.module.js';
import { SeedingController } from './seeding.controller.js';

/** The whole app plus the test-only seeding endpoints. */
@Module({})
export class TestingAppModule {
  static forRoot(): DynamicModule {
    // Fixture audio that tests generate (click tracks), served with Range like real media.
    const media = resolve(process.env['TEST_MEDIA_DIR'] ?? 'test-media');
    return {
      module: TestingAppModule,
      imports: [
        ServeStaticModule.forRoot({ rootPath: media, serveRoot: '/api/test/media', renderPath: '/__none__' }),
        AppModule.forRoot(),
        RoomModule,
      ],
      controllers: [SeedingController],
    };
  }
}
