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
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  deploy?: { replicas?: number };
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService>; volumes: object };
const dockerfile = read('Dockerfile');
const nginx = read('deploy/nginx.conf');
const rootPackage = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

/** The JSON-array form of a Dockerfile instruction, e.g. CMD ["node", "x.js"]. */
function instruction(name: string): string[] {
  const line = dockerfile.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`Dockerfile has no ${name}`);
  return JSON.parse(line.slice(line.indexOf('['))) as string[];
}

/** The body of the nginx block opened by `header {` (comments dropped), e.g. `location /socket.io/`. */
function nginxBlock(header: string): string {
  const text = nginx.replace(/#.*$/gm, '');
  const open = text.indexOf(`${header} {`);
  if (open < 0) throw new Error(`deploy/nginx.conf has no "${header}" block`);
  let depth = 0;
  for (let i = text.indexOf('{', open); i < text.length; i++) {
    if (text[i] === '{') depth++;
    if (text[i] === '}' && --depth === 0) return text.slice(text.indexOf('{', open) + 1, i);
  }
  throw new Error(`the "${header}" block in deploy/nginx.conf is not closed`);
}

/** The values of each `name …;` directive directly in `block`, e.g. `proxy_set_header Upgrade $http_upgrade`. */
function directives(block: string, name: string): string[] {
  return [...block.matchAll(new RegExp(`(?:^|[;{}\\s])${name}\\s+([^;]*);`, 'g'))].map((m) => m[1]!.trim());
}

/** "1h", "3600s", "90" (seconds) → seconds. */
function seconds(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value);
  if (!match) throw new Error(`not an nginx time: ${value}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] ?? 's']!;
  return Number(match[1]) * unit;
}

describe('docker-compose.yml', () => {
  const { app, redis, proxy } = compose.services;

  it('has redis, the app and the proxy', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'proxy', 'redis']);
  });

  it('starts the app with the command the tests run (npm run serve), from the Dockerfile\'s image', () => {
    expect(app!.build).toBe('.');
    expect(app!.command).toEqual(rootPackage.scripts['serve']!.split(' '));
    expect(instruction('CMD')).toEqual(app!.command);
  });

  it('runs 2 replicas of the app, all on one DATA_DIR volume and pointed at the redis service', () => {
    expect(app!.deploy?.replicas).toBe(2);
    expect(app!.environment).toMatchObject({ PORT: '8080', DATA_DIR: '/data', REDIS_URL: 'redis://redis:6379' });
    expect(app!.volumes).toEqual(['musync-data:/data']);
    expect(compose.volumes).toHaveProperty('musync-data');
    // Replicas of one service cannot share a host port: only the proxy publishes one.
    expect(app!.ports).toBeUndefined();
    expect(app!.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('publishes port 8080 through the proxy only, which waits for healthy replicas', () => {
    expect(proxy!.ports).toEqual(['8080:8080']);
    expect(proxy!.volumes).toEqual(['./deploy/nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(proxy!.depends_on).toEqual({ app: { condition: 'service_healthy' } });
    // `server … resolve` in an upstream needs open-source nginx 1.27.3 or later.
    const [major, minor] = /^nginx:(\d+)\.(\d+)/.exec(proxy!.image ?? '')!.slice(1).map(Number) as [number, number];
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1028);
  });

  it('health-checks every service', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect([name, service.healthcheck?.test[0]]).toEqual([name, 'CMD']);
    }
    expect(app!.healthcheck?.test).toEqual(['CMD', 'node', 'backend/dist/healthcheck.js']);
    expect(redis!.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    // The proxy's probe asks nginx itself, at the location that answers without a replica.
    expect(proxy!.healthcheck?.test.at(-1)).toBe('http://127.0.0.1:8080/proxy-health');
    expect(directives(nginxBlock('location = /proxy-health'), 'return')).toEqual(['200 "ok\\n"']);
  });

  it('runs redis with append-only persistence on a volume', () => {
    const command = redis!.command!;
    expect(command[0]).toBe('redis-server');
    expect(command[command.indexOf('--appendonly') + 1]).toBe('yes');
    expect(redis!.volumes).toContain('redis-data:/data');
    expect(compose.volumes).toHaveProperty('redis-data');
  });
});

describe('deploy/nginx.conf', () => {
  const upstream = nginxBlock('upstream musync');
  const sockets = nginxBlock('location /socket.io/');
  const rest = nginxBlock('location /');

  it('listens on the published port and balances over every replica of the app service', () => {
    expect(directives(nginxBlock('server'), 'listen')).toEqual(['8080']);
    const [server] = directives(upstream, 'server');
    // The compose service name and the app's PORT; re-resolved so new replicas join.
    expect(server!.split(/\s+/).slice(0, 2)).toEqual([`app:${compose.services['app']!.environment!['PORT']}`, 'resolve']);
    expect(directives(upstream, 'zone')).toHaveLength(1);
    expect(directives(nginx.replace(/#.*$/gm, ''), 'resolver')[0]).toMatch(/^127\.0\.0\.11\b/);
  });

  it('upgrades Socket.IO connections to WebSocket, with a read timeout well above the ping interval', () => {
    expect(directives(sockets, 'proxy_pass')).toEqual(['http://musync']);
    expect(directives(sockets, 'proxy_http_version')).toEqual(['1.1']);
    expect(directives(sockets, 'proxy_set_header')).toEqual(
      expect.arrayContaining(['Upgrade $http_upgrade', 'Connection $connection_upgrade']),
    );
    expect(nginx).toMatch(/map \$http_upgrade \$connection_upgrade \{\s*default upgrade;/);
    // Socket.IO's server pings every 25 s; nginx's default read timeout is 60 s.
    expect(seconds(directives(sockets, 'proxy_read_timeout')[0]!)).toBeGreaterThanOrEqual(600);
    expect(seconds(directives(sockets, 'proxy_send_timeout')[0]!)).toBeGreaterThanOrEqual(600);
  });

  it('sends everything else (SPA, /api, audio) to the same replicas', () => {
    expect(directives(rest, 'proxy_pass')).toEqual(['http://musync']);
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
