import { inject } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { BehaviorSubject, filter, firstValueFrom, map } from 'rxjs';

import { RoomSession } from '../core/room-session';
import { SocketClient } from '../core/socket-client';

/**
 * A function that resolves once commands can reach the room again: the upload
 * sender's `ready()`. Connected is not enough: membership belongs to the
 * server-side socket, so after every (re)connect the server answers NOT_JOINED
 * until RoomSession has joined again. RoomSession says so only through what it
 * already emits: `changes` fires on the rejoin's snapshot and on room broadcasts,
 * which the server sends to members only, so the first one after a connect means
 * "back in the room". Call in an injection context.
 */
export function injectRoomReady(): () => Promise<void> {
  const socket = inject(SocketClient);
  const session = inject(RoomSession);
  const inRoom = new BehaviorSubject(socket.isConnected() && session.joined());
  socket.connects.pipe(takeUntilDestroyed()).subscribe(() => inRoom.next(false));
  session.changes.pipe(takeUntilDestroyed()).subscribe(() => inRoom.next(socket.isConnected() && session.joined()));
  return () =>
    firstValueFrom(
      inRoom.pipe(
        // A dropped connection is seen at once; the flag turns false only at the next connect.
        filter((ready) => ready && socket.isConnected()),
        map(() => undefined),
      ),
    );
}
