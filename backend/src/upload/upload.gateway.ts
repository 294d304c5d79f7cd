import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import {
  UploadChunkSchema,
  UploadRefSchema,
  UploadStartSchema,
  type UploadChunkRequest,
  type UploadChunkResult,
  type UploadFinishResult,
  type UploadRef,
  type UploadStartResult,
  type UploadStatusResult,
} from '@musync/protocol';
import type * as z from 'zod';

import { RateLimited } from '../common/rate-limit.interceptor.js';
import { MusyncGateway } from '../common/musync-gateway.decorator.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';
import { UploadService } from './upload.service.js';

/** The upload events: validated at the edge, acked through the interceptor, rules in UploadService. */
@MusyncGateway()
@RateLimited('upload')
export class UploadGateway {
  constructor(private readonly uploads: UploadService) {}

  @SubscribeMessage('upload:start')
  start(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: UploadStartSchema }) request: z.output<typeof UploadStartSchema>,
  ): Promise<UploadStartResult> {
    return this.uploads.start(sessionOf(socket), request);
  }

  @SubscribeMessage('upload:chunk')
  chunk(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: UploadChunkSchema }) request: UploadChunkRequest,
  ): Promise<UploadChunkResult> {
    return this.uploads.chunk(sessionOf(socket), request);
  }

  @SubscribeMessage('upload:status')
  status(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: UploadRefSchema }) request: UploadRef,
  ): Promise<UploadStatusResult> {
    return this.uploads.status(sessionOf(socket), request.uploadId);
  }

  @SubscribeMessage('upload:finish')
  async finish(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: UploadRefSchema }) request: UploadRef,
  ): Promise<UploadFinishResult> {
    return { song: await this.uploads.finish(sessionOf(socket), request.uploadId) };
  }

  @SubscribeMessage('upload:cancel')
  async cancel(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: UploadRefSchema }) request: UploadRef,
  ): Promise<object> {
    await this.uploads.cancel(sessionOf(socket), request.uploadId);
    return {};
  }
}

