import type { ClientToServerEvents, ServerToClientEvents } from '@musync/protocol';
import type { Server, Socket } from 'socket.io';

/** What the server remembers about a connection once it joined a room. */
export interface SocketData {
  session?: { readonly roomId: string; readonly memberId: string };
}

export type MusyncServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type MusyncSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
