import type { Logger, WsMessageHandler } from '@nestjs/common';
import { isObservable } from 'rxjs';

type Ack = (response: unknown) => void;

/** What of a Socket.IO socket the binding uses (Nest's and ours are two copies of socket.io's types). */
interface EventSocket {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  readonly disconnected: boolean;
}

/**
 * Binds a gateway's message handlers to one connection with one plain
 * listener per event, doing what Nest's IoAdapter does with RxJS: the
 * payload and ack split the same way, the handler's result (its
 * interceptors' Observable, a Promise or a value) sent back through the ack
 * or as an `{ event, data }` emit, nothing sent for null, errors logged, and
 * nothing sent once the connection is gone.
 *
 * Why not Nest's own: it builds a pipeline per event per connection
 * (`fromEvent`, `mergeMap`, `takeUntil`, a subscriber; about 31 events here)
 * and another per message. Measured at 2200 connections: ~160 KB of live
 * heap per connection, and those per-message subscribers outlived the young
 * generation, a steady stream of promoted garbage (docs/benchmarks.md,
 * "Chat journal, plain event binding, 16 MiB semi-spaces").
 */
export function bindMessageHandlers(socket: EventSocket, handlers: readonly WsMessageHandler[], logger: Logger): void {
  for (const { message, callback, isAckHandledManually } of handlers) {
    socket.on(message, (...args: unknown[]) => {
      const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
      const data = args.length === 0 ? undefined : args.length === 1 ? args[0] : args;
      const respond = (response: unknown): void => {
        if (response === null || response === undefined || socket.disconnected) return;
        if (isEmit(response)) socket.emit(response.event, response.data);
        else if (!isAckHandledManually && ack) ack(response);
      };
      const failed = (error: unknown): void => logger.error(error);
      let result: unknown;
      try {
        result = callback(data, ack);
      } catch (error) {
        return failed(error);
      }
      Promise.resolve(result)
        .then((value: unknown) => (isObservable(value) ? void value.subscribe({ next: respond, error: failed }) : respond(value)))
        .catch(failed);
    });
  }
}

/** A handler's `{ event, data }` answer: emitted as that event rather than acked. */
function isEmit(response: unknown): response is { event: string; data: unknown } {
  return typeof response === 'object' && response !== null && typeof (response as { event?: unknown }).event === 'string';
}
