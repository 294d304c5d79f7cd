import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

import { AppConfig } from '../config/config.module.js';

/**
 * The SPA's Content-Security-Policy. Scripts only from this origin; styles also
 * inline because Angular puts component styles in <style> elements; audio and
 * cover art from this origin (and blob:/data: for decoded or embedded bytes);
 * the socket on this origin ('self' covers ws:/wss: to the same host in CSP 3).
 * No upgrade-insecure-requests: Musync is often served over plain HTTP on a LAN.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'upgrade-insecure-requests': null,
};

/** Security headers for every HTTP response, and CORS for the origins ALLOWED_ORIGINS lists (none by default). */
export function applyHttpSecurity(app: NestExpressApplication): void {
  const { ALLOWED_ORIGINS } = app.get(AppConfig);
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      // Plain HTTP on a LAN is a supported setup: do not pin browsers to HTTPS.
      strictTransportSecurity: false,
    }),
  );
  if (ALLOWED_ORIGINS.length > 0) {
    app.enableCors({ origin: ALLOWED_ORIGINS.includes('*') ? true : [...ALLOWED_ORIGINS] });
  }
}
