/**
 * One of the fan-out bench's client processes (forked by fanout-bench.ts,
 * orders over IPC): opens its share of the connections with socket.io-client
 * and the SPA's transport (websocket only), joins each to its room, and either
 * listens (reports when the last of its listeners received each bench line) or
 * sends (one line per room at once). Times are epochNow() (see orders.ts).
 */
import { io, type Socket } from 'socket.io-client';

import { relayBatches, type ChatLine } from '@musync/protocol';

import { epochNow, FANOUT_PREFIX, type Assignment, type ClientOrder, type ClientReport } from './orders.ts';

/** Joins in flight per process: enough to fill quickly, few enough not to time out on a busy server. */
const JOIN_CONCURRENCY = 25;
const JOIN_TIMEOUT_MS = 120_000;
const SEND_TIMEOUT_MS = 30_000;

const listeners: Socket[] = [];
const senders: Socket[] = [];
const arrivals = new Map<string, { count: number; last: number }>();
const waiting = new Map<string, () => void>();
/** What the listeners received off the wire: packets, and the events in them. */
const wire = { packets: 0, events: 0 };

function report(message: ClientReport): void {
  process.send!(message);
}

function arrived(line: ChatLine): void {
  if (line.kind !== 'message' || !line.text.startsWith(FANOUT_PREFIX)) return;
  const at = epochNow();
  const tag = line.text.slice(FANOUT_PREFIX.length);
  const count = (arrivals.get(tag)?.count ?? 0) + 1;
  arrivals.set(tag, { count, last: at });
  if (count === listeners.length) waiting.get(tag)?.();
}

async function openOne({ url, roomId, name }: Assignment, role: 'listen' | 'send'): Promise<void> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: JOIN_TIMEOUT_MS });
  if (role === 'listen') {
    listeners.push(socket);
    // As the SPA does: the events of a batch (notices, presence) are unpacked and handed on.
    relayBatches(socket);
    socket.onAny((name: string, payload: { events?: unknown[] }) => {
      wire.packets += 1;
      wire.events += name === 'room:batch' ? (payload.events?.length ?? 0) : 1;
    });
    socket.on('chat:line', arrived);
  } else {
    senders.push(socket);
  }
  const answer = (await socket.timeout(JOIN_TIMEOUT_MS).emitWithAck('room:join', { roomId, username: name })) as { ok: boolean };
  if (!answer.ok) throw new Error(`${name} could not join ${roomId}: ${JSON.stringify(answer)}`);
}

async function open(assignments: readonly Assignment[], role: 'listen' | 'send'): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < assignments.length) await openOne(assignments[next++]!, role);
  };
  await Promise.all(Array.from({ length: JOIN_CONCURRENCY }, lane));
}

async function send(tag: string): Promise<void> {
  const t0 = epochNow();
  const acks = senders.map((socket) => socket.timeout(SEND_TIMEOUT_MS).emitWithAck('chat:send', { text: `${FANOUT_PREFIX}${tag}` }));
  const answers = await Promise.allSettled(acks);
  const refused = answers.filter((a) => a.status === 'rejected' || !(a.value as { ok: boolean }).ok).length;
  report({ type: 'sent', tag, t0, refused });
}

function collect(tag: string, timeoutMs: number): void {
  const answer = (): void => {
    clearTimeout(timer);
    waiting.delete(tag);
    const seen = arrivals.get(tag);
    arrivals.delete(tag);
    report({ type: 'collected', tag, count: seen?.count ?? 0, last: seen?.last ?? null });
  };
  const timer = setTimeout(answer, timeoutMs);
  if ((arrivals.get(tag)?.count ?? 0) === listeners.length) answer();
  else waiting.set(tag, answer);
}

const failed = (error: unknown): void => report({ type: 'failed', message: error instanceof Error ? error.message : String(error) });

process.on('message', (order: ClientOrder) => {
  if (order.type === 'open') open(order.assignments, order.role).then(() => report({ type: 'opened' }), failed);
  else if (order.type === 'send') send(order.tag).catch(failed);
  else if (order.type === 'collect') collect(order.tag, order.timeoutMs);
  else if (order.type === 'count') report({ type: 'counted', ...wire });
  else {
    for (const socket of [...listeners, ...senders]) socket.disconnect();
    process.disconnect();
  }
});
