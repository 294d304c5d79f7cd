import { ConnectedSocket, MessageBody, SubscribeMessage } from '@nestjs/websockets';
import { ChatSendSchema, type ChatSendRequest, type ChatSendResult } from '@musync/protocol';

import { RateLimited } from '../common/rate-limit.interceptor.js';
import { MusyncGateway } from '../common/musync-gateway.decorator.js';
import { sessionOf, type MusyncSocket } from '../room/socket.types.js';
import { ChatService } from './chat.service.js';

/** Chat: validated at the edge (one line of text, no control characters), rate-limited per connection. */
@MusyncGateway()
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
