import { fileURLToPath } from 'node:url';

import { startPortPrinter, type ServerProcess } from '../../fixtures/server-process.ts';

export { startMusync, type ServerProcess } from '../../fixtures/server-process.ts';

const SINK_ENTRY = fileURLToPath(new URL('http-sink.ts', import.meta.url));

/** The HTTP ceiling's receiver (http-sink.ts) in its own process, writing into `dir`; it prints its port. */
export function startHttpSink(dir: string): Promise<ServerProcess> {
  return startPortPrinter('the HTTP sink', SINK_ENTRY, [dir]);
}
