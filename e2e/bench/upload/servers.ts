import { fileURLToPath } from 'node:url';

import { spawnNode, stopper, type ServerProcess } from '../../fixtures/server-process.ts';

export { startMusync, type ServerProcess } from '../../fixtures/server-process.ts';

const SINK_ENTRY = fileURLToPath(new URL('http-sink.ts', import.meta.url));
const START_TIMEOUT_MS = 30_000;

/** The HTTP ceiling's receiver (http-sink.ts) in its own process, writing into `dir`; it prints its port. */
export async function startHttpSink(dir: string): Promise<ServerProcess> {
  const { child, stderr } = spawnNode([SINK_ENTRY, dir], {});
  const stop = stopper(child);
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the HTTP sink did not start:\n${stderr()}`)), START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`the HTTP sink exited (${code}):\n${stderr()}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n');
      if (line.length > 1) {
        clearTimeout(timer);
        resolve(Number(line[0]));
      }
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { pid: child.pid!, port, url: `http://127.0.0.1:${port}`, stop, kill: stopper(child, 'SIGKILL') };
}
