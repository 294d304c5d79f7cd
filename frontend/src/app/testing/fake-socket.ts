import type { Provider } from '@angular/core';
import type { ClientEventName, JoinResult, Presence, RoomSettings, ServerEventName, ServerEventPayload } from '@musync/protocol';

import { type RequestAck, type RequestPayload, SOCKET_FACTORY, type SocketConnection } from '../core/socket-client';

type Listener = (...args: unknown[]) => void;
interface Stamps {
  readonly rev: number;
  readonly since: number;
}
type Unstamped<P> = P extends unknown ? Omit<P, keyof Stamps> : never;
type ServerHandler<E extends ClientEventName> = (payload: RequestPayload<E>, ack: (answer: RequestAck<E>) => void) => void;

/**
 * A stand-in for the socket.io-client socket: the test plays the server, deciding when
 * the connection comes and goes, what each command is answered, and what is broadcast.
 */
export class FakeSocket {
  connected = false;
  active = true;
  /** Every command the client sent, in order. */
  readonly sent: { readonly event: ClientEventName; readonly payload: unknown }[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly handlers = new Map<ClientEventName, ServerHandler<never>>();

  on(event: string, listener: Listener): this {
    const set = this.listeners.get(event) ?? new Set<Listener>();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }

  off(event: string, listener: Listener): this {
    this.listeners.get(event)?.delete(listener);
    return this;
  }

  emit(event: ClientEventName, payload: never, ack: (answer: never) => void): this {
    this.sent.push({ event, payload });
    this.handlers.get(event)?.(payload, ack);
    return this;
  }

  disconnect(): this {
    this.active = false;
    if (this.connected) this.drop('io client disconnect');
    return this;
  }

  /** How the server answers one command from now on; unanswered commands get no ack. */
  answer<E extends ClientEventName>(event: E, handler: ServerHandler<E>): void {
    this.handlers.set(event, handler as ServerHandler<never>);
  }

  /** The commands of one kind the client sent. */
  sentPayloads<E extends ClientEventName>(event: E): RequestPayload<E>[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload as RequestPayload<E>);
  }

  serverAccepts(): void {
    this.connected = true;
    this.active = true;
    this.fire('connect');
  }

  /** A connection attempt fails (server down, handshake refused). */
  connectAttemptFails(): void {
    this.fire('connect_error', new Error('connection refused'));
  }

  /** The link breaks; socket.io-client keeps retrying. */
  connectionLost(): void {
    this.drop('transport close');
  }

  /** The server closes the socket; socket.io-client does not retry. */
  serverCloses(): void {
    this.active = false;
    this.drop('io server disconnect');
  }

  /** The room revision the fake server is at; each broadcast without its own `rev` takes the next. */
  rev = 0;
  private presenceRev = 0;

  /**
   * Broadcasts as the server does: stamped with the next revision unless the test
   * gives one, and a presence delta chained to the previous one unless given `since`.
   */
  broadcast<E extends ServerEventName>(event: E, payload: Unstamped<ServerEventPayload<E>> & Partial<Stamps>): void {
    const rev = payload.rev ?? ++this.rev;
    this.rev = Math.max(this.rev, rev);
    if (!event.startsWith('presence:')) return this.deliver(event, { ...payload, rev });
    const since = payload.since ?? this.presenceRev;
    this.presenceRev = rev;
    this.deliver(event, { ...payload, since, rev });
  }

  /** The broadcasts made inside `broadcasts` arrive as one `room:batch`, in order, as the server coalesces them. */
  batch(broadcasts: () => void): void {
    const held: (readonly [string, unknown])[] = [];
    this.held = held;
    try {
      broadcasts();
    } finally {
      this.held = null;
    }
    this.fire('room:batch', { events: held });
  }

  private held: (readonly [string, unknown])[] | null = null;

  private deliver(event: string, payload: unknown): void {
    if (this.held) this.held.push([event, payload]);
    else this.fire(event, payload);
  }

  private drop(reason: string): void {
    this.connected = false;
    this.fire('disconnect', reason);
  }

  private fire(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
}

/** Makes SocketClient use `socket` instead of opening a real connection. */
export function provideFakeSocket(socket: FakeSocket): Provider {
  // The fake covers only what SocketClient calls, not the library's overloaded signatures.
  return { provide: SOCKET_FACTORY, useValue: () => socket as unknown as SocketConnection };
}

/** The rest of a join snapshot for a room with no songs, chat or requests yet. */
export const QUIET_ROOM = {
  rev: 0,
  playlist: [],
  playback: { songId: null, status: 'paused', position: 0, anchor: 0, version: 0 },
  settings: { control: 'everyone', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false },
  chat: [],
  requests: [],
  skip: { songId: null, voterIds: [], needed: null },
  copies: {},
} as const;

/**
 * A successful join ack into a quiet room for member `memberId` of `presence`:
 * its person id and name come from its entry there (`p-<memberId>` and "Ada" without one).
 */
export function quietJoin(memberId: string, presence: Presence): { readonly ok: true } & JoinResult {
  const me = presence.members.find((m) => m.id === memberId);
  const name = me?.name ?? 'Ada';
  return { ok: true, ...QUIET_ROOM, memberId, personId: me?.personId ?? `p-${memberId}`, name, presence, adminClaimable: false };
}

/** The server's side of `room:configure`: each partial change merges into the room's settings and is acked whole. */
export function answerConfigure(socket: FakeSocket, initial: RoomSettings = QUIET_ROOM.settings): void {
  let settings = initial;
  socket.answer('room:configure', ({ passcode, ...change }, ack) => {
    // The server keeps the passcode and tells only whether there is one.
    settings = { ...settings, ...change, hasPasscode: passcode === undefined ? settings.hasPasscode : passcode !== null };
    ack({ ok: true, settings, rev: ++socket.rev });
  });
}
