import { Module } from '@nestjs/common';

import { MediaModule } from '../media/media.module.js';
import { RoomModule } from '../room/room.module.js';
import { UploadGateway } from './upload.gateway.js';
import { UploadService } from './upload.service.js';

@Module({
  imports: [RoomModule, MediaModule],
  providers: [UploadService, UploadGateway],
})
export class UploadModule {}
