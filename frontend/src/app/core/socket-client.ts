import { DOCUMENT, DestroyRef, InjectionToken, Service, computed, inject, signal } from '@angular/core';
import {
  unpackBatch,
  type ClientEventName,
  type ClientToServerEvents,
  type RoomBatch,
  type RoomEventName,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
  type TransportFailure,
} from '@musync/protocol';
import { Observable, Subject } from 'rxjs';
import { io, type Socket } from 'socket.io-client';

/** How long a request waits for its ack before it counts as failed. */
const REQUEST_TIMEOUT_MS = 10_000;

export type ConnectionState = 'connected' | 'reconnecting' | 'offline';

/**
 * The part of the socket.io-client socket that SocketClient uses; specs provide a
 * fake one through SOCKET_FACTORY.
 */
export type SocketConnection = Pick<
  Socket<ServerToClientEvents, ClientToServerEvents>,
  'connected' | 'active' | 'on' | 'off' | 'emit' | 'disconnect'
>;

/** Opens the connection; the page's own origin serves Socket.IO at its default path. */
export const SOCKET_FACTORY = new InjectionToken<() => SocketConnection>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => () => {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({ transports: ['websocket'] });
    return socket;
  },
});

/** The payload a client command carries. */
export type RequestPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
/** The ack the server answers a client command with. */
export type RequestAck<E extends ClientEventName> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/** A request that failed on this side of the wire; the protocol defines its shape once for every client. */
export type RequestFailure = TransportFailure;

export type RequestResult<E extends ClientEventName> = RequestAck<E> | RequestFailure;

const notConnected: RequestFailure = {
  ok: false,
  error: { code: 'NOT_CONNECTED', message: 'Not connected to the server.' },
};
const timedOut: RequestFailure = {
  ok: false,
  error: { code: 'TIMEOUT', message: 'The server did not answer in time.' },
};

/** Owns the one Socket.IO connection of the page and turns it into signals and observables. */
@Service()
export class SocketClient {
  private readonly socket = inject(SOCKET_FACTORY)();
  private readonly window = inject(DOCUMENT).defaultView;

  private readonly socketState = signal<ConnectionState>('offline');
  private readonly browserOnline = signal(this.window?.navigator.onLine ?? true);
  private readonly connectEvents = new Subject<void>();
  /** One settle function per request still waiting for its ack. */
  private readonly pending = new Set<(failure: RequestFailure) => void>();
  /** The listeners of each broadcast, which the events of a `room:batch` are handed to. */
  private readonly batchListeners = new Map<ServerEventName, Set<(payload: never) => void>>();
  private everConnected = false;

  /** Offline also while the browser says the network is gone, whatever the socket believes. */
  readonly state = computed<ConnectionState>(() => (this.browserOnline() ? this.socketState() : 'offline'));
  /** Emits on every (re)connect: each one is a new server-side socket. */
  readonly connects: Observable<void> = this.connectEvents.asObservable();

  constructor() {
    const onConnect = (): void => {
      this.everConnected = true;
      this.socketState.set('connected');
      this.connectEvents.next();
    };
    const onDisconnect = (): void => {
      // Acks of a lost connection never arrive.
      this.failPending(notConnected);
      this.updateDisconnectedState();
    };
    const onConnectError = (): void => this.updateDisconnectedState();
    // A batch is unpacked here, once: each of its events reaches the listeners of
    // that event in order, as if it had come alone.
    const onBatch = (batch: RoomBatch): void =>
      unpackBatch(batch, (name: RoomEventName, payload: unknown) => {
        for (const listener of [...(this.batchListeners.get(name) ?? [])]) listener(payload as never);
      });
    this.socket.on('connect', onConnect);
    this.socket.on('disconnect', onDisconnect);
    this.socket.on('connect_error', onConnectError);
    this.socket.on('room:batch', onBatch);

    const online = (): void => this.browserOnline.set(true);
    const offline = (): void => this.browserOnline.set(false);
    this.window?.addEventListener('online', online);
    this.window?.addEventListener('offline', offline);

    inject(DestroyRef).onDestroy(() => {
      this.window?.removeEventListener('online', online);
      this.window?.removeEventListener('offline', offline);
      this.socket.off('connect', onConnect);
      this.socket.off('disconnect', onDisconnect);
      this.socket.off('connect_error', onConnectError);
      this.socket.off('room:batch', onBatch);
      this.socket.disconnect();
      this.failPending(notConnected);
      this.connectEvents.complete();
    });
  }

  /** Whether a request sent now goes out on the wire. */
  isConnected(): boolean {
    return this.socket.connected;
  }

  /**
   * Sends a command and resolves with its ack, or with a failure if the socket is not
   * connected, the connection drops, or no ack comes within the timeout. Never rejects.
   */
  request<E extends ClientEventName>(
    event: E,
    payload: RequestPayload<E>,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<RequestResult<E>> {
    // Socket.IO would buffer the emit until the next connection; a stale command sent
    // then could contradict what the client does on reconnect, so fail it now instead.
    if (!this.socket.connected) return Promise.resolve(notConnected);
    return new Promise((resolve) => {
      const settle = (result: RequestResult<E>): void => {
        clearTimeout(timer);
        this.pending.delete(settle);
        resolve(result);
      };
      const timer = setTimeout(() => settle(timedOut), timeoutMs);
      this.pending.add(settle);
      const onAck = (ack: RequestAck<E>): void => {
        if (this.pending.has(settle)) settle(ack);
      };
      // The compiler cannot relate a generic event name to its own argument tuple.
      const args = [payload, onAck] as Parameters<ClientToServerEvents[E]>;
      this.socket.emit(event, ...args);
    });
  }

  /**
   * The broadcasts of one server event, for as long as the subscription lasts:
   * those sent alone and those inside a `room:batch`, in the order sent.
   */
  on<E extends ServerEventName>(event: E): Observable<ServerEventPayload<E>> {
    return new Observable<ServerEventPayload<E>>((subscriber) => {
      const listener = (payload: ServerEventPayload<E>): void => subscriber.next(payload);
      // The compiler cannot relate a generic event name to its own listener type.
      const name: ServerEventName = event;
      const typed: ServerToClientEvents[ServerEventName] = listener as ServerToClientEvents[E];
      const batched = this.batchListeners.get(name) ?? new Set();
      this.batchListeners.set(name, batched.add(listener));
      this.socket.on(name, typed);
      return () => {
        this.socket.off(name, typed);
        batched.delete(listener);
      };
    });
  }

  private updateDisconnectedState(): void {
    // `active` turns false when the socket stops retrying (server closed it, or refused it).
    this.socketState.set(this.everConnected && this.socket.active ? 'reconnecting' : 'offline');
  }

  private failPending(failure: RequestFailure): void {
    for (const settle of [...this.pending]) settle(failure);
  }
}
