import { ErrorCode, type ClientToServerEvents, type ServerToClientEvents } from '@musync/protocol';
import type { Server, Socket } from 'socket.io';

import { DomainError } from '../common/domain-error.js';

/** What the server remembers about a connection once it joined a room. */
export interface SocketData {
  session?: { readonly roomId: string; readonly memberId: string };
}

export type MusyncServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type MusyncSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** The room and member of a joined connection; NOT_JOINED for one that has not joined. */
export function sessionOf(socket: MusyncSocket): { readonly roomId: string; readonly memberId: string } {
  const session = socket.data.session;
  if (!session) throw new DomainError(ErrorCode.NOT_JOINED, 'Join a room first.');
  return session;
}
