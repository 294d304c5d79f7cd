import { UseInterceptors, UsePipes } from '@nestjs/common';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { ChatSendSchema, MAX_MESSAGE_BYTES, type ChatSendRequest, type ChatSendResult } from '@musync/protocol';

import { AckInterceptor } from '../common/ack.interceptor.js';
import { payloadValidationPipe } from '../common/payload-validation.pipe.js';
import { RateLimitInterceptor, RateLimited } from '../common/rate-limit.interceptor.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';
import { ChatService } from './chat.service.js';

/** Chat: validated at the edge (one line of text, no control characters), rate-limited per connection. */
@WebSocketGateway({ serveClient: false, maxHttpBufferSize: MAX_MESSAGE_BYTES })
@UseInterceptors(AckInterceptor, RateLimitInterceptor)
@UsePipes(payloadValidationPipe)
export class ChatGateway {
  constructor(private readonly chat: ChatService) {}

  @SubscribeMessage('chat:send')
  @RateLimited('chat')
  async send(
    @ConnectedSocket() socket: MusyncSocket,
    @MessageBody({ schema: ChatSendSchema }) request: ChatSendRequest,
  ): Promise<ChatSendResult> {
    return { line: await this.chat.send(sessionOf(socket), request.text) };
  }
}
