import { applyDecorators, UseInterceptors, UsePipes } from '@nestjs/common';
import { WebSocketGateway } from '@nestjs/websockets';
import { MAX_MESSAGE_BYTES } from '@musync/protocol';

import { AckInterceptor } from './ack.interceptor.js';
import { payloadValidationPipe } from './payload-validation.pipe.js';
import { RateLimitInterceptor } from './rate-limit.interceptor.js';

/**
 * What every Musync gateway is: Socket.IO on the app's port with messages capped
 * just above one upload chunk, every payload validated against its protocol
 * schema, every handler's result or DomainError turned into the ack, and each
 * event held to its rate-limit class (`@RateLimited`).
 */
export function MusyncGateway(): ClassDecorator {
  return applyDecorators(
    WebSocketGateway({ serveClient: false, maxHttpBufferSize: MAX_MESSAGE_BYTES }),
    UseInterceptors(AckInterceptor, RateLimitInterceptor),
    UsePipes(payloadValidationPipe),
  );
}
