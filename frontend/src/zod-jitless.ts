import * as z from 'zod';

// Zod probes `new Function` to compile its object parsers, when a schema is built
// (at import); the CSP (script-src 'self') forbids eval and reports the probe as a
// violation. Imported first by main.ts, so it runs before any schema exists.
z.config({ jitless: true });
