import { Logger, UseInterceptors, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  WebSocketGateway,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  ErrorCode,
  JoinRequestSchema,
  MAX_MESSAGE_BYTES,
  TimePingSchema,
  type JoinRequest,
  type JoinResult,
  type TimePing,
  type TimePong,
} from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { AckInterceptor } from '../common/ack.interceptor.js';
import { DomainError } from '../common/domain-error.js';
import { payloadValidationPipe } from '../common/payload-validation.pipe.js';
import { SyncService } from '../sync/sync.service.js';
import { RoomService } from './room.service.js';
import { SocketBroadcaster } from './socket-broadcaster.js';
import type { MusyncServer, MusyncSocket } from './socket.types.js';

/**
 * The socket edge: validates each payload against its protocol schema, calls a
 * service, and returns the value the ack interceptor wraps. No rules here.
 */
@WebSocketGateway({ serveClient: false, maxHttpBufferSize: MAX_MESSAGE_BYTES })
@UseInterceptors(AckInterceptor)
@UsePipes(payloadValidationPipe)
export class RoomGateway implements OnGatewayInit<MusyncServer>, OnGatewayDisconnect<MusyncSocket> {
  private readonly logger = new Logger(RoomGateway.name);

  constructor(
    private readonly rooms: RoomService,
    private readonly sync: SyncService,
    private readonly clock: ServerClock,
    private readonly broadcaster: SocketBroadcaster,
  ) {}

  afterInit(server: MusyncServer): void {
    this.broadcaster.attach(server);
  }

  @SubscribeMessage('room:join')
  async join(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: JoinRequestSchema }) request: JoinRequest,
  ): Promise<JoinResult> {
    if (socket.data.session) {
      throw new DomainError(ErrorCode.ALREADY_JOINED, 'This connection is already in a room.');
    }
    // Join the broadcast room first so the joiner hears its own arrival too.
    await socket.join(request.roomId);
    try {
      const result = await this.rooms.join(request.roomId, request.username);
      socket.data.session = { roomId: request.roomId, memberId: result.memberId };
      return result;
    } catch (error) {
      await socket.leave(request.roomId);
      throw error;
    }
  }

  @SubscribeMessage('time:ping')
  ping(@MessageBody({ schema: TimePingSchema }) ping: TimePing): TimePong {
    return this.sync.pong(ping, this.clock.now());
  }

  async handleDisconnect(socket: MusyncSocket): Promise<void> {
    const session = socket.data.session;
    if (!session) return;
    socket.data.session = undefined;
    try {
      await this.rooms.leave(session.roomId, session.memberId);
    } catch (error) {
      this.logger.error(`leave after disconnect failed for ${session.memberId}`, error);
    }
  }
}
