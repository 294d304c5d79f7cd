import type { IncomingMessage } from 'node:http';

/**
 * The one origin rule, for the WebSocket handshake and for HTTP CORS. A browser
 * always sends `Origin` on a WebSocket upgrade and a cross-site request; a
 * request without one is not from another site's page (curl, a native client,
 * a same-origin GET), and a non-browser client can forge the header anyway, so
 * only browsers are what this protects against (cross-site WebSocket hijacking).
 * With no ALLOWED_ORIGINS the page must come from the host it talks to.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  return sameOrigin(origin, host);
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** The client's address: the socket's peer, or the first X-Forwarded-For hop when a trusted proxy is in front. */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = request.headers['x-forwarded-for'];
  if (trustProxy && forwarded) {
    const first = (Array.isArray(forwarded) ? forwarded.join(',') : forwarded).split(',')[0]?.trim();
    if (first) return first;
  }
  return request.socket.remoteAddress ?? 'unknown';
}
