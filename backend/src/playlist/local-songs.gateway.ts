import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import {
  AddLocalSongSchema,
  CopiesReportSchema,
  localSongId,
  type AddLocalSongRequest,
  type AddLocalSongResult,
  type CopiesReport,
  type LocalCopies,
} from '@musync/protocol';

import { RateLimited } from '../common/rate-limit.interceptor.js';
import { MusyncGateway } from '../common/musync-gateway.decorator.js';
import { copiesOf } from '../room/local-songs.rules.js';
import { RoomService } from '../room/room.service.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';

/** "Bring your own copy": songs listed by fingerprint, and who holds them. Rules in local-songs.rules.ts. */
@MusyncGateway()
export class LocalSongsGateway {
  constructor(private readonly rooms: RoomService) {}

  @SubscribeMessage('playlist:add-local')
  @RateLimited('control')
  async addLocal(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: AddLocalSongSchema }) request: AddLocalSongRequest,
  ): Promise<AddLocalSongResult> {
    const state = await this.rooms.runAs(sessionOf(socket), { type: 'playlist:add-local', song: request });
    const id = localSongId(request.fingerprint);
    const song = state.playlist.find((s) => s.id === id);
    // The reducer refuses with a typed error rather than not listing it; absence here is a server fault.
    if (!song) throw new Error(`own-copy song ${id} missing after it was added`);
    return { song };
  }

  @SubscribeMessage('copies:report')
  @RateLimited('control')
  async report(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: CopiesReportSchema }) report: CopiesReport,
  ): Promise<{ copies: LocalCopies }> {
    const state = await this.rooms.runAs(sessionOf(socket), { type: 'copies:report', fingerprints: report.fingerprints });
    return { copies: copiesOf(state) };
  }
}
