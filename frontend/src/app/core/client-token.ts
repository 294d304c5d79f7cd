import { CLIENT_TOKEN_PATTERN } from '@musync/protocol';

import { readSetting, writeSetting } from './browser-storage';

const CLIENT_TOKEN_KEY = 'musync.clientToken';

/**
 * The random token that lets the server recognise this browser after a reload.
 * Created once and kept in localStorage.
 */
export function clientToken(): string {
  const stored = readSetting(CLIENT_TOKEN_KEY);
  if (stored !== null && CLIENT_TOKEN_PATTERN.test(stored)) return stored;
  const token = randomToken();
  writeSetting(CLIENT_TOKEN_KEY, token);
  return token;
}

/** 24 random bytes as base64url: 32 characters. crypto.randomUUID would need a secure context (https). */
function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}
