import { Logger, UseInterceptors } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  SubscribeMessage,
  type OnGatewayDisconnect,
  type OnGatewayInit,
} from '@nestjs/websockets';
import {
  AdminClaimSchema,
  ControlSchema,
  ErrorCode,
  JoinRequestSchema,
  SeekSchema,
  SelectSchema,
  SettingsSchema,
  SkipSchema,
  SnapshotRequestSchema,
  SongReadySchema,
  SongStepSchema,
  SyncReportSchema,
  VoteSkipSchema,
  type AdminClaimRequest,
  type ControlRequest,
  type JoinRequest,
  type JoinResult,
  type PlaybackResult,
  type Presence,
  type RoomSettings,
  type RoomSnapshot,
  type SeekRequest,
  type SelectRequest,
  type SettingsRequest,
  type SkipRequest,
  type SkipVotes,
  type SongReadyRequest,
  type SongStepRequest,
  type SyncReport,
  type VoteSkipRequest,
} from '@musync/protocol';

import { RedisLink } from '../cluster/redis-link.js';
import { DomainError } from '../common/domain-error.js';
import { GuessLimitInterceptor } from '../common/guess-limit.interceptor.js';
import { RateLimited } from '../common/rate-limit.interceptor.js';
import { MusyncGateway } from '../common/musync-gateway.decorator.js';
import { PingResponder } from '../sync/ping-responder.js';
import { SyncService } from '../sync/sync.service.js';
import { RoomService } from './room.service.js';
import { settingsOf, type RoomCommand } from './room.state.js';
import { skipVotesOf } from './skip.rules.js';
import { SocketBroadcaster } from './socket-broadcaster.js';
import { sessionOf, type MusyncServer, type MusyncSocket } from './socket.types.js';

/**
 * The socket edge: validates each payload against its protocol schema, calls a
 * service, and returns the value the ack interceptor wraps. No rules here.
 */
@MusyncGateway()
@RateLimited('control')
export class RoomGateway implements OnGatewayInit<MusyncServer>, OnGatewayDisconnect<MusyncSocket> {
  private readonly logger = new Logger(RoomGateway.name);

  constructor(
    private readonly rooms: RoomService,
    private readonly sync: SyncService,
    private readonly broadcaster: SocketBroadcaster,
    private readonly pings: PingResponder,
    private readonly link: RedisLink,
  ) {}

  afterInit(server: MusyncServer): void {
    this.broadcaster.attach(server);
    // time:ping is answered at the socket, ahead of this pipeline (PingResponder says why).
    this.pings.attach(server);
  }

  @SubscribeMessage('room:join')
  @UseInterceptors(GuessLimitInterceptor)
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
      const result = await this.rooms.join(
        request.roomId,
        request.username,
        request.clientToken ?? null,
        request.passcode ?? null,
      );
      socket.data.session = { roomId: request.roomId, memberId: result.memberId };
      return result;
    } catch (error) {
      await socket.leave(request.roomId);
      throw error;
    }
  }

  @SubscribeMessage('room:configure')
  async configure(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: SettingsSchema }) request: SettingsRequest,
  ): Promise<{ settings: RoomSettings; rev: number }> {
    const state = await this.rooms.configure(sessionOf(socket), request);
    return { settings: settingsOf(state), rev: state.rev };
  }

  @SubscribeMessage('admin:claim')
  @UseInterceptors(GuessLimitInterceptor)
  async claimAdmin(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: AdminClaimSchema }) request: AdminClaimRequest,
  ): Promise<{ presence: Presence }> {
    return { presence: await this.rooms.claimAdmin(sessionOf(socket), request.password) };
  }

  @SubscribeMessage('room:snapshot')
  @RateLimited('resync')
  snapshot(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: SnapshotRequestSchema }) _request: object,
  ): Promise<RoomSnapshot> {
    return this.rooms.snapshot(sessionOf(socket).roomId);
  }

  @SubscribeMessage('sync:report')
  @RateLimited('time')
  async report(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: SyncReportSchema }) report: SyncReport,
  ): Promise<object> {
    const { roomId, memberId } = sessionOf(socket);
    await this.applyLead(roomId, this.sync.report(roomId, memberId, { rtt: report.rtt, latencyMs: report.latencyMs }));
    return {};
  }

  @SubscribeMessage('playback:play')
  @RateLimited('control')
  play(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: ControlSchema }) request: ControlRequest) {
    return this.playback(socket, { type: 'playback:play', ...request });
  }

  @SubscribeMessage('playback:pause')
  @RateLimited('control')
  pause(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: ControlSchema }) request: ControlRequest) {
    return this.playback(socket, { type: 'playback:pause', ...request });
  }

  @SubscribeMessage('playback:next')
  @RateLimited('control')
  next(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: SongStepSchema }) request: SongStepRequest) {
    return this.playback(socket, { type: 'playback:next', ...request });
  }

  @SubscribeMessage('playback:previous')
  @RateLimited('control')
  previous(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: SongStepSchema }) request: SongStepRequest,
  ) {
    return this.playback(socket, { type: 'playback:previous', ...request });
  }

  @SubscribeMessage('playback:ended')
  ended(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: SongStepSchema }) request: SongStepRequest) {
    return this.playback(socket, { type: 'playback:ended', ...request });
  }

  @SubscribeMessage('playback:skip')
  @RateLimited('control')
  skip(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: SkipSchema }) request: SkipRequest) {
    return this.playback(socket, { type: 'playback:skip', ...request });
  }

  @SubscribeMessage('playback:seek')
  @RateLimited('control')
  seek(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: SeekSchema }) request: SeekRequest) {
    return this.playback(socket, { type: 'playback:seek', ...request });
  }

  @SubscribeMessage('playback:select')
  @RateLimited('control')
  select(@ConnectedSocket() socket: MusyncSocket, @MessageBody({ schema: SelectSchema }) request: SelectRequest) {
    return this.playback(socket, { type: 'playback:select', ...request });
  }

  @SubscribeMessage('playback:vote-skip')
  @RateLimited('control')
  async voteSkip(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: VoteSkipSchema }) request: VoteSkipRequest,
  ): Promise<{ skip: SkipVotes }> {
    const state = await this.command(socket, { type: 'playback:vote-skip', songId: request.songId });
    return { skip: skipVotesOf(state) };
  }

  @SubscribeMessage('playback:ready')
  async ready(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: SongReadySchema }) request: SongReadyRequest,
  ): Promise<object> {
    await this.command(socket, { type: 'playback:ready', songId: request.songId });
    return {};
  }

  async handleDisconnect(socket: MusyncSocket): Promise<void> {
    const session = socket.data.session;
    if (!session) return;
    socket.data.session = undefined;
    try {
      await this.rooms.leave(session.roomId, session.memberId);
      await this.applyLead(session.roomId, this.sync.forget(session.roomId, session.memberId));
    } catch (error) {
      this.logger.error(`leave after disconnect failed for ${session.memberId}`, error);
    }
  }

  /** A lead SyncService says moved enough becomes room state. */
  private async applyLead(roomId: string, lead: number | null): Promise<void> {
    if (lead === null) return;
    await this.rooms.run(roomId, { type: 'sync:lead', leadMs: lead, source: this.link.nodeId }, 'system');
  }

  private async playback(socket: MusyncSocket, command: RoomCommand): Promise<PlaybackResult> {
    const state = await this.command(socket, command);
    return { playback: state.playback };
  }

  private command(socket: MusyncSocket, command: RoomCommand) {
    const { roomId, memberId } = sessionOf(socket);
    return this.rooms.run(roomId, command, { memberId });
  }
}

