import {
  ADMIN_PASSWORD_MAX_LENGTH,
  CHAT_HISTORY_DEFAULT,
  CHAT_RATE_MESSAGES_DEFAULT,
  CHAT_RATE_WINDOW_MS_DEFAULT,
} from '@musync/protocol';
import * as z from 'zod';

/**
 * Every setting Musync reads, with its default. The README's settings table
 * lists exactly these names.
 */
export const ConfigSchema = z.object({
  PORT: z.coerce
    .number({ error: 'PORT must be a number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(8080),
  HOST: z.string().min(1, 'HOST is empty').default('0.0.0.0'),
  DATA_DIR: z.string().min(1, 'DATA_DIR is empty').default('./data'),
  ADMIN_GRACE_MS: z.coerce
    .number({ error: 'ADMIN_GRACE_MS must be a number' })
    .int('ADMIN_GRACE_MS must be a whole number of milliseconds')
    .min(0, 'ADMIN_GRACE_MS cannot be negative')
    .max(600_000, 'ADMIN_GRACE_MS is at most 600000 (10 minutes)')
    .default(5000),
  // Set: nobody is admin by arriving first; a member proves this password (admin:claim) to take the chair.
  ADMIN_PASSWORD: z
    .string()
    .min(8, 'ADMIN_PASSWORD must be at least 8 characters')
    .max(ADMIN_PASSWORD_MAX_LENGTH, `ADMIN_PASSWORD is at most ${ADMIN_PASSWORD_MAX_LENGTH} characters`)
    .optional(),
  UPLOAD_TTL_MS: z.coerce
    .number({ error: 'UPLOAD_TTL_MS must be a number' })
    .int('UPLOAD_TTL_MS must be a whole number of milliseconds')
    .min(1, 'UPLOAD_TTL_MS must be positive')
    .default(3_600_000),
  MAX_UPLOAD_BYTES: z.coerce
    .number({ error: 'MAX_UPLOAD_BYTES must be a number' })
    .int('MAX_UPLOAD_BYTES must be a whole number of bytes')
    .min(0, 'MAX_UPLOAD_BYTES cannot be negative (0 means unlimited)')
    .default(0),
  DISK_RESERVE_BYTES: z.coerce
    .number({ error: 'DISK_RESERVE_BYTES must be a number' })
    .int('DISK_RESERVE_BYTES must be a whole number of bytes')
    .min(0, 'DISK_RESERVE_BYTES cannot be negative')
    .default(512 * 1024 * 1024),
  CHAT_HISTORY: z.coerce
    .number({ error: 'CHAT_HISTORY must be a number' })
    .int('CHAT_HISTORY must be a whole number of lines')
    .min(1, 'CHAT_HISTORY must be at least 1')
    .max(1000, 'CHAT_HISTORY is at most 1000 lines')
    .default(CHAT_HISTORY_DEFAULT),
  CHAT_RATE_MESSAGES: z.coerce
    .number({ error: 'CHAT_RATE_MESSAGES must be a number' })
    .int('CHAT_RATE_MESSAGES must be a whole number of messages')
    .min(1, 'CHAT_RATE_MESSAGES must be at least 1')
    .default(CHAT_RATE_MESSAGES_DEFAULT),
  CHAT_RATE_WINDOW_MS: z.coerce
    .number({ error: 'CHAT_RATE_WINDOW_MS must be a number' })
    .int('CHAT_RATE_WINDOW_MS must be a whole number of milliseconds')
    .min(1, 'CHAT_RATE_WINDOW_MS must be positive')
    .default(CHAT_RATE_WINDOW_MS_DEFAULT),
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean))
    .pipe(z.array(z.union([z.literal('*'), z.url({ error: 'ALLOWED_ORIGINS holds an entry that is not an origin URL' })]))),
  TRUST_PROXY: z
    .enum(['true', 'false'], { error: 'TRUST_PROXY must be true or false' })
    .default('false')
    .transform((flag) => flag === 'true'),
  MAX_CONNECTIONS_PER_IP: z.coerce
    .number({ error: 'MAX_CONNECTIONS_PER_IP must be a number' })
    .int('MAX_CONNECTIONS_PER_IP must be a whole number')
    .min(1, 'MAX_CONNECTIONS_PER_IP must be at least 1')
    .default(100),
  RATE_LIMIT_SCALE: z.coerce
    .number({ error: 'RATE_LIMIT_SCALE must be a number' })
    .positive('RATE_LIMIT_SCALE must be positive')
    .max(10_000, 'RATE_LIMIT_SCALE is at most 10000')
    .default(1),
  RATE_LIMIT_IP_FACTOR: z.coerce
    .number({ error: 'RATE_LIMIT_IP_FACTOR must be a number' })
    .int('RATE_LIMIT_IP_FACTOR must be a whole number')
    .min(1, 'RATE_LIMIT_IP_FACTOR must be at least 1')
    .default(10),
  RATE_LIMIT_STRIKES: z.coerce
    .number({ error: 'RATE_LIMIT_STRIKES must be a number' })
    .int('RATE_LIMIT_STRIKES must be a whole number')
    .min(1, 'RATE_LIMIT_STRIKES must be at least 1')
    .default(30),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  // How long chat lines and playback changes wait to be written (embedded mode): the lines of all rooms from one
  // interval go to the chat journal in one write, a room's playback at most once per interval, and a kill -9
  // loses at most this much of them (docs/operations.md, "Data"; the cost per line: docs/benchmarks.md, fan-out).
  ROOM_WRITE_DELAY_MS: z.coerce
    .number({ error: 'ROOM_WRITE_DELAY_MS must be a number' })
    .int('ROOM_WRITE_DELAY_MS must be a whole number of milliseconds')
    .min(0, 'ROOM_WRITE_DELAY_MS cannot be negative (0 writes every change at once)')
    .max(60_000, 'ROOM_WRITE_DELAY_MS is at most 60000 (1 minute)')
    .default(200),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: 'SHUTDOWN_TIMEOUT_MS must be a number' })
    .int('SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds')
    .min(100, 'SHUTDOWN_TIMEOUT_MS must be at least 100')
    .max(600_000, 'SHUTDOWN_TIMEOUT_MS is at most 600000 (10 minutes)')
    .default(10_000),
  // Scaled mode: set, this node keeps room state in Redis and shares broadcasts and the clock with the others.
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'REDIS_URL must look like redis://host:port (or rediss:// for TLS)')
    .optional(),
  // Test-only: shifts this node's host clock, so a test can start one node of a cluster skewed.
  TEST_CLOCK_SKEW_MS: z.coerce
    .number({ error: 'TEST_CLOCK_SKEW_MS must be a number' })
    .finite('TEST_CLOCK_SKEW_MS must be finite')
    .default(0),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError naming every bad setting. */
export function parseConfig(env: Record<string, unknown>): Config {
  const known = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = ConfigSchema.safeParse(known);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`Invalid settings:\n${problems.join('\n')}`);
}
