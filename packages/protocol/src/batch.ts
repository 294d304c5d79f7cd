import * as z from 'zod';

import type { ServerEventName, ServerEventPayload } from './events.js';

/** The broadcasts a room change causes: every server event but the batch that carries several of them. */
export type RoomEventName = Exclude<ServerEventName, 'room:batch'>;

/** One broadcast inside a batch: its event name and the payload it has when sent on its own. */
export type BatchedEvent = { [E in RoomEventName]: [name: E, payload: ServerEventPayload<E>] }[RoomEventName];

/**
 * `room:batch`: broadcasts of one room that the server held for a few
 * milliseconds and sends as one packet, in the order they happened. A client
 * takes each exactly as if it had come on its own (`unpackBatch`); what arrives
 * alone still comes as itself. Filling a room of N would otherwise cost each
 * member a packet per join, notice and vote count: N² packets in all.
 */
export interface RoomBatch {
  readonly events: readonly BatchedEvent[];
}

/** Every event a batch may carry (the compiler checks the list against the event map). */
export const ROOM_EVENT_NAMES = [
  'presence:joined',
  'presence:left',
  'presence:changed',
  'playback:updated',
  'playlist:updated',
  'settings:updated',
  'chat:line',
  'requests:updated',
  'skip:updated',
  'copies:updated',
] as const satisfies readonly RoomEventName[];
// Fails to compile when the event map gains a broadcast the list lacks.
const everyRoomEventListed: RoomEventName extends (typeof ROOM_EVENT_NAMES)[number] ? true : never = true;
void everyRoomEventListed;

/** The envelope of `room:batch` (the payloads are each event's own, typed by the event map). */
export const RoomBatchSchema = z.strictObject({
  events: z.array(z.tuple([z.enum(ROOM_EVENT_NAMES), z.looseObject({})])),
});

/**
 * Hands each event of a batch to `take`, in order: the one place a batch is
 * unpacked. A malformed batch (not from a Musync server) hands nothing.
 */
export function unpackBatch(batch: unknown, take: (...event: BatchedEvent) => void): void {
  if (!RoomBatchSchema.safeParse(batch).success) return;
  for (const event of (batch as RoomBatch).events) take(...event);
}

/**
 * The part of a socket.io-client socket `relayBatches` needs: its own
 * listeners, looked up at each batch.
 */
export interface BatchRelaySocket {
  on(event: 'room:batch', listener: (batch: RoomBatch) => void): unknown;
  listeners(event: RoomEventName): readonly ((payload: never) => unknown)[];
}

/**
 * For a plain socket.io-client socket (tests, benchmarks): every event of a
 * `room:batch` reaches the socket's listeners for that event, in order, as if
 * it had come alone.
 */
export function relayBatches(socket: BatchRelaySocket): void {
  socket.on('room:batch', (batch) =>
    unpackBatch(batch, (name, payload) => {
      for (const listener of socket.listeners(name)) (listener as (payload: unknown) => unknown)(payload);
    }),
  );
}
