import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import {
  RequestApproveSchema,
  RequestCreateSchema,
  RequestFulfilSchema,
  RequestRefSchema,
  RequestRejectSchema,
  type RequestApprove,
  type RequestCreate,
  type RequestFulfil,
  type RequestRef,
  type RequestReject,
  type RequestResult,
} from '@musync/protocol';

import { RateLimited } from '../common/rate-limit.interceptor.js';
import { MusyncGateway } from '../common/musync-gateway.decorator.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';
import { RequestsService } from './requests.service.js';

/** Song requests: validated at the edge, acked with the request as it is now, broadcast whole as `requests:updated`. */
@MusyncGateway()
export class RequestsGateway {
  constructor(private readonly requests: RequestsService) {}

  @SubscribeMessage('requests:create')
  @RateLimited('requests')
  create(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RequestCreateSchema }) request: RequestCreate,
  ): Promise<RequestResult> {
    return this.requests.create(sessionOf(socket), request);
  }

  @SubscribeMessage('requests:vote')
  @RateLimited('requests')
  vote(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RequestRefSchema }) request: RequestRef,
  ): Promise<RequestResult> {
    return this.requests.vote(sessionOf(socket), request.requestId);
  }

  @SubscribeMessage('requests:withdraw')
  @RateLimited('requests')
  withdraw(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RequestRefSchema }) request: RequestRef,
  ): Promise<RequestResult> {
    return this.requests.withdraw(sessionOf(socket), request.requestId);
  }

  @SubscribeMessage('requests:approve')
  @RateLimited('requests')
  approve(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RequestApproveSchema }) request: RequestApprove,
  ): Promise<RequestResult> {
    return this.requests.approve(sessionOf(socket), request.requestId, request.note);
  }

  @SubscribeMessage('requests:reject')
  @RateLimited('requests')
  reject(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RequestRejectSchema }) request: RequestReject,
  ): Promise<RequestResult> {
    return this.requests.reject(sessionOf(socket), request.requestId, request.reason);
  }

  @SubscribeMessage('requests:fulfil')
  @RateLimited('requests')
  fulfil(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: RequestFulfilSchema }) request: RequestFulfil,
  ): Promise<RequestResult> {
    return this.requests.fulfil(sessionOf(socket), request.requestId, request.songId);
  }
}
