/**
 * The fan-out bench's ceiling: a bare Socket.IO server speaking the two events
 * the benches use, with the same names and payload shapes as Musync's
 * (`room:join` → join the broadcast room; `chat:send` → one `chat:line` to the
 * room; `time:ping` → the pong, for the ping-cost bench) and nothing else: no validation, state, rate limit or persistence.
 * Runs in its own process, like the Musync server it is compared with, and
 * prints its port as the first line. Run: `node e2e/bench/fanout/bare-server.ts`.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ChatLine, TimePing, TimePong } from '@musync/protocol';
import { Server } from 'socket.io';

type Ack = (answer: { ok: true; line?: ChatLine } | { ok: false }) => void;
const now = (): number => performance.timeOrigin + performance.now();

const http = createServer();
const io = new Server(http, { serveClient: false });

io.on('connection', (socket) => {
  let roomId: string | null = null;
  socket.on('room:join', (request: { roomId: string }, ack: Ack) => {
    roomId = request.roomId;
    void socket.join(roomId);
    ack({ ok: true });
  });
  socket.on('chat:send', (request: { text: string }, ack: Ack) => {
    if (roomId === null) return ack({ ok: false });
    const line: ChatLine = { kind: 'message', id: randomUUID(), at: Date.now(), personId: socket.id, name: 'Sender', admin: false, text: request.text };
    io.to(roomId).emit('chat:line', line);
    ack({ ok: true, line });
  });
  socket.on('time:ping', (ping: TimePing, ack: (pong: { ok: true } & TimePong) => void) => {
    const t1 = now();
    ack({ ok: true, t0: ping.t0, t1, t2: now() });
  });
});

http.listen(0, '127.0.0.1', () => process.stdout.write(`${(http.address() as AddressInfo).port}\n`));
