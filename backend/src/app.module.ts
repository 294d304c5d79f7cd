import { fileURLToPath } from 'node:url';

import { Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';

import { ChatModule } from './chat/chat.module.js';
import { AppConfigModule } from './config/config.module.js';
import { HealthController } from './health/health.controller.js';
import { ReadyController } from './health/ready.controller.js';
import { MediaModule } from './media/media.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PlaylistModule } from './playlist/playlist.module.js';
import { RequestsModule } from './requests/requests.module.js';
import { RoomModule } from './room/room.module.js';
import { SecurityModule } from './security/security.module.js';
import { UploadModule } from './upload/upload.module.js';

/** The built SPA (`ng build` output), two levels up from backend/src or backend/dist. */
const SPA_DIR = fileURLToPath(new URL('../../frontend/dist/browser', import.meta.url));

/** The whole app; `forRoot()` builds it at app creation so it reads the settings of that moment. */
@Module({})
export class AppModule {
  static forRoot(): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(),
        MetricsModule,
        SecurityModule,
        RoomModule,
        MediaModule,
        UploadModule,
        PlaylistModule,
        ChatModule,
        RequestsModule,
        // Deep links such as /r/<room> fall back to index.html; /api stays JSON.
        ServeStaticModule.forRoot({ rootPath: SPA_DIR, exclude: ['/api/{*path}', '/metrics'] }),
      ],
      controllers: [HealthController, ReadyController],
    };
  }
}
