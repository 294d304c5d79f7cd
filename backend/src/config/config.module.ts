import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';

import { parseConfig, type Config } from './config.js';

/** The validated settings, injectable as `AppConfig`. */
export abstract class AppConfig implements Readonly<Config> {
  abstract readonly PORT: number;
  abstract readonly HOST: string;
  abstract readonly DATA_DIR: string;
  abstract readonly ADMIN_GRACE_MS: number;
  abstract readonly ADMIN_PASSWORD?: string | undefined;
  abstract readonly UPLOAD_TTL_MS: number;
  abstract readonly MAX_UPLOAD_BYTES: number;
  abstract readonly DISK_RESERVE_BYTES: number;
  abstract readonly CHAT_HISTORY: number;
  abstract readonly CHAT_RATE_MESSAGES: number;
  abstract readonly CHAT_RATE_WINDOW_MS: number;
  abstract readonly ALLOWED_ORIGINS: string[];
  abstract readonly TRUST_PROXY: boolean;
  abstract readonly MAX_CONNECTIONS_PER_IP: number;
  abstract readonly RATE_LIMIT_SCALE: number;
  abstract readonly RATE_LIMIT_IP_FACTOR: number;
  abstract readonly RATE_LIMIT_STRIKES: number;
  abstract readonly LOG_LEVEL: Config['LOG_LEVEL'];
  abstract readonly ROOM_WRITE_DELAY_MS: number;
  abstract readonly SHUTDOWN_TIMEOUT_MS: number;
  abstract readonly REDIS_URL?: string | undefined;
  abstract readonly TEST_CLOCK_SKEW_MS: number;
}

/**
 * Settings from the environment, validated by `parseConfig`. Built per app
 * (`forRoot()` at app creation, not at import), so each app reads the
 * environment as it is when the app starts.
 */
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      global: true,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: parseConfig })],
      providers: [
        {
          provide: AppConfig,
          inject: [ConfigService],
          useFactory: (config: ConfigService<Config, true>): Config => ({
            PORT: config.get('PORT', { infer: true }),
            HOST: config.get('HOST', { infer: true }),
            DATA_DIR: config.get('DATA_DIR', { infer: true }),
            ADMIN_GRACE_MS: config.get('ADMIN_GRACE_MS', { infer: true }),
            ADMIN_PASSWORD: config.get('ADMIN_PASSWORD', { infer: true }),
            UPLOAD_TTL_MS: config.get('UPLOAD_TTL_MS', { infer: true }),
            MAX_UPLOAD_BYTES: config.get('MAX_UPLOAD_BYTES', { infer: true }),
            DISK_RESERVE_BYTES: config.get('DISK_RESERVE_BYTES', { infer: true }),
            CHAT_HISTORY: config.get('CHAT_HISTORY', { infer: true }),
            CHAT_RATE_MESSAGES: config.get('CHAT_RATE_MESSAGES', { infer: true }),
            CHAT_RATE_WINDOW_MS: config.get('CHAT_RATE_WINDOW_MS', { infer: true }),
            ALLOWED_ORIGINS: config.get('ALLOWED_ORIGINS', { infer: true }),
            TRUST_PROXY: config.get('TRUST_PROXY', { infer: true }),
            MAX_CONNECTIONS_PER_IP: config.get('MAX_CONNECTIONS_PER_IP', { infer: true }),
            RATE_LIMIT_SCALE: config.get('RATE_LIMIT_SCALE', { infer: true }),
            RATE_LIMIT_IP_FACTOR: config.get('RATE_LIMIT_IP_FACTOR', { infer: true }),
            RATE_LIMIT_STRIKES: config.get('RATE_LIMIT_STRIKES', { infer: true }),
            LOG_LEVEL: config.get('LOG_LEVEL', { infer: true }),
            ROOM_WRITE_DELAY_MS: config.get('ROOM_WRITE_DELAY_MS', { infer: true }),
            SHUTDOWN_TIMEOUT_MS: config.get('SHUTDOWN_TIMEOUT_MS', { infer: true }),
            REDIS_URL: config.get('REDIS_URL', { infer: true }),
            TEST_CLOCK_SKEW_MS: config.get('TEST_CLOCK_SKEW_MS', { infer: true }),
          }),
        },
      ],
      exports: [AppConfig],
    };
  }
}
