import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { MoveSongSchema, RemoveSongSchema, type MoveSongRequest, type RemoveSongRequest } from '@musync/protocol';

import { RateLimited } from '../common/rate-limit.interceptor.js';
import { MusyncGateway } from '../common/musync-gateway.decorator.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';
import { PlaylistService } from './playlist.service.js';

/** Playlist edits: validated at the edge, acked through the interceptor, rules in the reducer. */
@MusyncGateway()
export class PlaylistGateway {
  constructor(private readonly playlist: PlaylistService) {}

  @SubscribeMessage('playlist:remove')
  @RateLimited('control')
  async remove(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RemoveSongSchema }) request: RemoveSongRequest,
  ): Promise<object> {
    await this.playlist.remove(sessionOf(socket), request.songId);
    return {};
  }

  @SubscribeMessage('playlist:move')
  @RateLimited('control')
  async move(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: MoveSongSchema }) request: MoveSongRequest): Promise<object> {
    await this.playlist.move(sessionOf(socket), request.songId, request.toIndex);
    return {};
  }
}
