/**
 * Container health probe (Dockerfile HEALTHCHECK and docker-compose):
 * exits 0 when /api/health answers 200 within 3 s, 1 otherwise.
 * Plain Node, no shell or curl needed in the slim image.
 */
const port = process.env['PORT'] ?? '8080';

fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(3000) })
  .then((response) => process.exit(response.ok ? 0 : 1))
  .catch(() => process.exit(1));
