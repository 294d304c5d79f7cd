import type { ClientToServerEvents, JoinRequest, ServerToClientEvents, TransportFailure, UploadWire } from '@musync/protocol';
import { io, type Socket } from 'socket.io-client';

type WireSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type UploadEvent = Parameters<UploadWire['request']>[0];
type AckOf<E extends keyof ClientToServerEvents> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** The SPA's SocketClient timeout: how long a request waits for its ack. */
const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;

const notConnected: TransportFailure = { ok: false, error: { code: 'NOT_CONNECTED', message: 'Not connected to the server.' } };
const timedOut: TransportFailure = { ok: false, error: { code: 'TIMEOUT', message: 'The server did not answer in time.' } };

/**
 * The SPA's upload wire in Node: socket.io-client with the SPA's options
 * (websocket only, reconnecting), requests that behave like SocketClient's
 * (fail at once while disconnected, on a drop, or after the timeout; never
 * reject), and a member that joins its room again on every connect.
 */
export class SocketUploadWire implements UploadWire {
  private readonly socket: WireSocket;
  private readonly join: JoinRequest;
  private joined = false;
  private readonly joinWaiters = new Set<() => void>();
  /** One settle function per request still waiting for its ack. */
  private readonly pending = new Set<(failure: TransportFailure) => void>();

  /** Settles with the first join's outcome, so `connect` can fail with the server's reason. */
  private readonly firstJoin: Promise<void>;
  private settleFirstJoin: (error: Error | null) => void = () => undefined;

  private constructor(url: string, join: JoinRequest) {
    this.join = join;
    this.firstJoin = new Promise((resolve, reject) => {
      this.settleFirstJoin = (error) => (error ? reject(error) : resolve());
    });
    // Awaited only by `connect`, which may already have given up.
    this.firstJoin.catch(() => undefined);
    this.socket = io(url, { transports: ['websocket'], forceNew: true });
    this.socket.on('connect', () => void this.rejoin());
    this.socket.on('disconnect', () => {
      this.joined = false;
      for (const settle of [...this.pending]) settle(notConnected);
    });
  }

  /** Connects and joins `join.roomId`; fails unless this member is the room's admin (only the admin uploads). */
  static async connect(url: string, join: JoinRequest): Promise<SocketUploadWire> {
    const wire = new SocketUploadWire(url, join);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`could not join ${join.roomId} at ${url} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([wire.firstJoin, timeout]);
    } catch (error) {
      wire.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return wire;
  }

  ready(): Promise<void> {
    if (this.joined && this.socket.connected) return Promise.resolve();
    return new Promise((resolve) => this.joinWaiters.add(resolve));
  }

  request<E extends UploadEvent>(event: E, payload: Parameters<ClientToServerEvents[E]>[0]): Promise<AckOf<E> | TransportFailure> {
    return this.send(event, payload);
  }

  close(): void {
    this.socket.disconnect();
  }

  private send<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
  ): Promise<AckOf<E> | TransportFailure> {
    // As in the SPA: socket.io would buffer the emit for the next connection; fail it now instead.
    if (!this.socket.connected) return Promise.resolve(notConnected);
    return new Promise((resolve) => {
      const settle = (result: AckOf<E> | TransportFailure): void => {
        clearTimeout(timer);
        this.pending.delete(settle);
        resolve(result);
      };
      const timer = setTimeout(() => settle(timedOut), REQUEST_TIMEOUT_MS);
      this.pending.add(settle);
      const onAck = (ack: AckOf<E>): void => {
        if (this.pending.has(settle)) settle(ack);
      };
      // The compiler cannot relate a generic event name to its own argument tuple.
      const args = [payload, onAck] as Parameters<ClientToServerEvents[E]>;
      this.socket.emit(event, ...args);
    });
  }

  private async rejoin(): Promise<void> {
    const joined = await this.send('room:join', this.join);
    let failure: string | null = null;
    if (!joined.ok) failure = `joining ${this.join.roomId} failed: ${joined.error.message}`;
    else if (joined.presence.adminId !== joined.memberId) failure = `${this.join.username} is not the admin of ${this.join.roomId}`;
    if (failure !== null) {
      // Not joined: `ready()` keeps waiting, and the sender's retries run out.
      this.settleFirstJoin(new Error(failure));
      return;
    }
    this.joined = true;
    this.settleFirstJoin(null);
    for (const resolve of [...this.joinWaiters]) resolve();
    this.joinWaiters.clear();
  }
}
