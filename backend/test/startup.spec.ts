import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built server, started the way `npm run serve` and the Docker image start it. */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

function runMain(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, stderr });
    });
  });
}

describe('startup (the built server as a process)', () => {
  it.each([['abc'], ['99999'], ['8080.5']])('refuses PORT=%s with one clear line and exit code 1', async (port) => {
    const { code, stderr } = await runMain({ PORT: port });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^Musync could not start\. Invalid settings:\n {2}PORT: PORT must be/);
    expect(stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });
});
