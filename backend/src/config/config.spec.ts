import { ConfigError, parseConfig } from './config.js';

describe('parseConfig', () => {
  it('runs with no settings at all', () => {
    expect(parseConfig({})).toEqual({
      PORT: 8080,
      HOST: '0.0.0.0',
      DATA_DIR: './data',
      ADMIN_GRACE_MS: 5000,
      UPLOAD_TTL_MS: 3_600_000,
      MAX_UPLOAD_BYTES: 0,
      DISK_RESERVE_BYTES: 512 * 1024 * 1024,
      CHAT_HISTORY: 50,
      CHAT_RATE_MESSAGES: 5,
      CHAT_RATE_WINDOW_MS: 5000,
      ALLOWED_ORIGINS: [],
      TRUST_PROXY: false,
      MAX_CONNECTIONS_PER_IP: 100,
      RATE_LIMIT_SCALE: 1,
      RATE_LIMIT_IP_FACTOR: 10,
      RATE_LIMIT_STRIKES: 30,
      LOG_LEVEL: 'info',
      ROOM_WRITE_DELAY_MS: 200,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      TEST_CLOCK_SKEW_MS: 0,
    });
  });

  it('reads ALLOWED_ORIGINS as a comma-separated list of origins', () => {
    expect(parseConfig({ ALLOWED_ORIGINS: 'https://a.example/, http://b.example:8080' }).ALLOWED_ORIGINS).toEqual([
      'https://a.example',
      'http://b.example:8080',
    ]);
    expect(parseConfig({ ALLOWED_ORIGINS: '*' }).ALLOWED_ORIGINS).toEqual(['*']);
  });

  it.each([
    ['ALLOWED_ORIGINS', 'not a url'],
    ['TRUST_PROXY', 'yes'],
    ['MAX_CONNECTIONS_PER_IP', '0'],
    ['RATE_LIMIT_SCALE', '0'],
    ['RATE_LIMIT_IP_FACTOR', '0.5'],
    ['RATE_LIMIT_STRIKES', '-1'],
    ['LOG_LEVEL', 'loud'],
    ['ROOM_WRITE_DELAY_MS', '-1'],
    ['SHUTDOWN_TIMEOUT_MS', '50'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('reads REDIS_URL (scaled mode) and refuses one that is not a redis:// address', () => {
    expect(parseConfig({ REDIS_URL: 'redis://redis:6379' }).REDIS_URL).toBe('redis://redis:6379');
    expect(parseConfig({ REDIS_URL: 'rediss://user:pw@cache.example:6380/2' }).REDIS_URL).toBe(
      'rediss://user:pw@cache.example:6380/2',
    );
    expect(() => parseConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
  });

  it('reads the chat settings', () => {
    expect(parseConfig({ CHAT_HISTORY: '200', CHAT_RATE_MESSAGES: '3', CHAT_RATE_WINDOW_MS: '1000' })).toMatchObject({
      CHAT_HISTORY: 200,
      CHAT_RATE_MESSAGES: 3,
      CHAT_RATE_WINDOW_MS: 1000,
    });
  });

  it.each([
    ['CHAT_HISTORY', '0'],
    ['CHAT_HISTORY', '1001'],
    ['CHAT_RATE_MESSAGES', '0'],
    ['CHAT_RATE_MESSAGES', '2.5'],
    ['CHAT_RATE_WINDOW_MS', '-1'],
    ['CHAT_RATE_WINDOW_MS', 'soon'],
  ])('refuses %s=%s with a message naming it', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('reads ADMIN_PASSWORD, refusing one shorter than 8 characters, and treats an empty one as unset', () => {
    expect(parseConfig({ ADMIN_PASSWORD: 'correct horse' }).ADMIN_PASSWORD).toBe('correct horse');
    expect(parseConfig({ ADMIN_PASSWORD: '' }).ADMIN_PASSWORD).toBeUndefined();
    expect(() => parseConfig({ ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD must be at least 8 characters/);
  });

  it('reads PORT from the environment', () => {
    expect(parseConfig({ PORT: '9090' }).PORT).toBe(9090);
  });

  it('treats an empty setting as unset', () => {
    expect(parseConfig({ PORT: '' }).PORT).toBe(8080);
  });

  it.each([['-5'], ['1.5'], ['soon']])('refuses ADMIN_GRACE_MS=%s', (grace) => {
    expect(() => parseConfig({ ADMIN_GRACE_MS: grace })).toThrow(/ADMIN_GRACE_MS/);
  });

  it.each([['abc'], ['80.5'], ['70000'], ['-1']])('refuses PORT=%s with a message naming PORT', (port) => {
    expect(() => parseConfig({ PORT: port })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: port })).toThrow(/PORT/);
  });
});
