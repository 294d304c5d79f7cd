import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { parse } from 'yaml';

import { RunningServer } from './harness.js';

/**
 * No Docker engine runs in CI, so the deployment files are checked statically,
 * and the processes they describe are the ones the tests run for real.
 */
const root = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const read = (path: string): string => readFileSync(root(path), 'utf8');

interface ComposeService {
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes: object };
const dockerfile = read('Dockerfile');
const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** The JSON-array form of a Dockerfile instruction, e.g. CMD ["node", "x.js"]. */
function instruction(name: string): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`Dockerfile has no ${name}`);
  return JSON.parse(line.slice(line.indexOf('['))) as string[];
}

describe('docker-compose.yml', () => {
  const app = compose.services['app']!;
  const redis = compose.services['redis']!;

  it('has the app and redis services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'redis']);
  });

  it('starts the app with the command the tests run (npm run serve)', () => {
    expect(app.command).toEqual(rootPackage.scripts['serve']!.split(' '));
    expect(instruction('CMD')).toEqual(app.command);
  });

  it('publishes port 8080 and keeps DATA_DIR on a named volume', () => {
    expect(app.ports).toEqual(['8080:8080']);
    expect(app.environment).toMatchObject({ PORT: '8080', DATA_DIR: '/data' });
    expect(app.volumes).toContain('musync-data:/data');
    expect(compose.volumes).toHaveProperty('musync-data');
  });

  it('health-checks every service', () => {
    expect(app.healthcheck?.test).toEqual(['CMD', 'node', 'backend/dist/healthcheck.js']);
    expect(redis.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('runs redis with append-only persistence on a volume', () => {
    expect(redis.command).toEqual(['redis-server', '--appendonly', 'yes']);
    expect(redis.volumes).toContain('redis-data:/data');
  });
});

describe('Dockerfile', () => {
  it('is multi-stage on Node 24 slim', () => {
    const stages = dockerfile.split('\n').filter((l) => l.startsWith('FROM '));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:24-slim\b/);
  });

  it('runs as a non-root user with DATA_DIR on a volume', () => {
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/DATA_DIR=\/data/);
    expect(instruction('VOLUME')).toEqual(['/data']);
  });

  it('health-checks with the same probe as compose', () => {
    const healthcheck = dockerfile.split('\n').find((l) => l.startsWith('HEALTHCHECK '))!;
    expect(JSON.parse(healthcheck.slice(healthcheck.indexOf('[')))).toEqual(compose.services['app']!.healthcheck!.test.slice(1));
  });
});

describe('the health probe both files use', () => {
  const probe = root('backend/dist/healthcheck.js');

  function runProbe(port: string): Promise<number | null> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [probe], { env: { ...process.env, PORT: port }, stdio: 'ignore' });
      child.on('exit', resolve);
    });
  }

  it('passes against a running server and fails where nothing listens', async () => {
    const server = await RunningServer.start();
    try {
      expect(await runProbe(new URL(server.url).port)).toBe(0);
    } finally {
      await server.stop();
    }
    expect(await runProbe(String(new URL(server.url).port))).toBe(1);
  });
});
