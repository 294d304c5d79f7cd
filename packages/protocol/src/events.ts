import type { AckCallback } from './errors.js';
import type { JoinRequest, JoinResult, Presence } from './room.js';
import type { TimePing, TimePong } from './time.js';

/** Commands a client sends; each is acknowledged. */
export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: AckCallback<JoinResult>) => void;
  'time:ping': (ping: TimePing, ack: AckCallback<TimePong>) => void;
}

/** Broadcasts the server sends. */
export interface ServerToClientEvents {
  'presence:updated': (presence: Presence) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** The payload of a server broadcast. */
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
