import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** One direction of a link: each chunk waits `baseMs` ± a uniform `jitterMs`. */
interface OneWayDelay {
  readonly baseMs: number;
  readonly jitterMs: number;
}

export interface LinkProfile {
  /** Browser → server. */
  readonly up: OneWayDelay;
  /** Server → browser. */
  readonly down: OneWayDelay;
}

/**
 * A TCP proxy that delays every chunk in each direction, so one browser sees a
 * slow, jittery or lopsided network while everything stays on loopback. Order
 * is preserved: a chunk is never released before the one ahead of it, so a
 * short draw after a long one waits (TCP cannot reorder either).
 */
export class DelayProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private readonly upstreamPort: number;
  private readonly profile: LinkProfile;

  private constructor(upstreamPort: number, profile: LinkProfile) {
    this.upstreamPort = upstreamPort;
    this.profile = profile;
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on a free loopback port in front of 127.0.0.1:`upstreamPort`. */
  static async start(upstreamPort: number, profile: LinkProfile): Promise<DelayProxy> {
    const proxy = new DelayProxy(upstreamPort, profile);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    const upstream = createConnection({ host: '127.0.0.1', port: this.upstreamPort });
    for (const socket of [client, upstream]) {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    this.pipe(client, upstream, this.profile.up);
    this.pipe(upstream, client, this.profile.down);
  }

  // One queue and one timer per direction: Node's timers may fire two that are due
  // within the same millisecond in either order, which would scramble the stream.
  private pipe(from: Socket, to: Socket, delay: OneWayDelay): void {
    const queue: { at: number; send: () => void }[] = [];
    let lastRelease = 0;
    let timer: NodeJS.Timeout | undefined;
    const flush = (): void => {
      if (timer) this.timers.delete(timer);
      timer = undefined;
      while (queue.length > 0 && queue[0]!.at <= performance.now()) queue.shift()!.send();
      if (queue.length > 0) {
        timer = setTimeout(flush, Math.max(0, queue[0]!.at - performance.now()));
        this.timers.add(timer);
      }
    };
    const enqueue = (at: number, send: () => void): void => {
      queue.push({ at, send });
      if (queue.length === 1) flush();
    };
    let ended = false;
    from.on('data', (chunk: Buffer) => {
      const draw = delay.baseMs + (Math.random() * 2 - 1) * delay.jitterMs;
      lastRelease = Math.max(lastRelease, performance.now() + Math.max(0, draw));
      enqueue(lastRelease, () => {
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on('end', () => {
      ended = true;
      // The half-close travels behind the last chunk, like the FIN it stands for.
      enqueue(lastRelease, () => {
        if (!to.destroyed) to.end();
      });
    });
    // An abrupt close (no FIN) also reaches the other side only after the data ahead of it.
    from.on('close', () => {
      if (!ended) enqueue(lastRelease, () => to.destroy());
    });
  }
}
