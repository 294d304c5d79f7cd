import { Module } from '@nestjs/common';

import { RoomModule } from '../room/room.module.js';
import { RequestsGateway } from './requests.gateway.js';
import { RequestsService } from './requests.service.js';

@Module({
  imports: [RoomModule],
  providers: [RequestsService, RequestsGateway],
})
export class RequestsModule {}
