import { EventEmitter } from 'node:events';

import type { Logger, WsMessageHandler } from '@nestjs/common';
import { of } from 'rxjs';

import { bindMessageHandlers } from './message-binding.js';

/** A socket as the binding sees it: events in, emits recorded. */
class FakeSocket extends EventEmitter {
  disconnected = false;
  readonly emitted: unknown[][] = [];

  override emit(event: string, ...args: unknown[]): boolean {
    if (event.startsWith('reply:')) {
      this.emitted.push([event, ...args]);
      return true;
    }
    return super.emit(event, ...args);
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('bindMessageHandlers', () => {
  const errors: unknown[] = [];
  const logger = { error: (error: unknown) => errors.push(error) } as unknown as Logger;
  let socket: FakeSocket;
  const calls: unknown[][] = [];

  const bind = (callback: WsMessageHandler['callback'], isAckHandledManually = false): void =>
    bindMessageHandlers(socket, [{ message: 'do', callback, isAckHandledManually }], logger);

  /** Sends `do` with `args` and an ack; resolves with what the ack got. */
  async function send(...args: unknown[]): Promise<unknown[]> {
    const acked: unknown[] = [];
    socket.emit('do', ...args, (answer: unknown) => acked.push(answer));
    await tick();
    return acked;
  }

  beforeEach(() => {
    socket = new FakeSocket();
    errors.length = 0;
    calls.length = 0;
  });

  it('splits the payload from the ack as Nest does: none, one, or several arguments', async () => {
    bind(async (data: unknown, ack: unknown) => {
      calls.push([data, typeof ack]);
      return { ok: true };
    });
    expect(await send()).toEqual([{ ok: true }]);
    expect(await send({ a: 1 })).toEqual([{ ok: true }]);
    expect(await send(1, 2)).toEqual([{ ok: true }]);
    socket.emit('do', { no: 'ack' });
    await tick();
    expect(calls).toEqual([
      [undefined, 'function'],
      [{ a: 1 }, 'function'],
      [[1, 2], 'function'],
      [{ no: 'ack' }, 'undefined'],
    ]);
  });

  it('acks every value an interceptor’s Observable emits, a plain value, and nothing for null', async () => {
    // Nest's type says Observable or Promise; a plain value is handled too.
    bind(((data: unknown) => (data === 'many' ? Promise.resolve(of(1, 2)) : data === 'none' ? Promise.resolve(null) : 'plain')) as WsMessageHandler['callback']);
    expect(await send('many')).toEqual([1, 2]);
    expect(await send('none')).toEqual([]);
    expect(await send('x')).toEqual(['plain']);
  });

  it('sends an { event, data } answer as that event, and leaves a manual ack to the handler', async () => {
    bind(async () => ({ event: 'reply:done', data: 42 }));
    expect(await send()).toEqual([]);
    expect(socket.emitted).toEqual([['reply:done', 42]]);

    socket = new FakeSocket();
    bind(async () => ({ ok: true }), true);
    expect(await send()).toEqual([]);
  });

  it('logs a handler that throws, rejects or errors, and keeps serving the event', async () => {
    let mode = 'throw';
    bind((): Promise<unknown> => {
      if (mode === 'throw') throw new Error('thrown');
      if (mode === 'reject') return Promise.reject(new Error('rejected'));
      return Promise.resolve({ ok: true });
    });
    expect(await send()).toEqual([]);
    mode = 'reject';
    expect(await send()).toEqual([]);
    mode = 'ok';
    expect(await send()).toEqual([{ ok: true }]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['thrown', 'rejected']);
  });

  it('answers nothing once the connection is gone', async () => {
    bind(async () => {
      socket.disconnected = true;
      return { ok: true };
    });
    expect(await send()).toEqual([]);
  });
});
