import { UseInterceptors, UsePipes } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { MAX_MESSAGE_BYTES, MoveSongSchema, RemoveSongSchema, type MoveSongRequest, type RemoveSongRequest } from '@musync/protocol';

import { AckInterceptor } from '../common/ack.interceptor.js';
import { payloadValidationPipe } from '../common/payload-validation.pipe.js';
import { RateLimitInterceptor, RateLimited } from '../common/rate-limit.interceptor.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';
import { PlaylistService } from './playlist.service.js';

/** Playlist edits: validated at the edge, acked through the interceptor, rules in the reducer. */
@WebSocketGateway({ serveClient: false, maxHttpBufferSize: MAX_MESSAGE_BYTES })
@UseInterceptors(AckInterceptor, RateLimitInterceptor)
@UsePipes(payloadValidationPipe)
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
