import { Module } from '@nestjs/common';

import { MediaModule } from '../media/media.module.js';
import { RoomModule } from '../room/room.module.js';
import { LocalSongsGateway } from './local-songs.gateway.js';
import { PlaylistGateway } from './playlist.gateway.js';
import { PlaylistService } from './playlist.service.js';

@Module({
  imports: [RoomModule, MediaModule],
  providers: [PlaylistService, PlaylistGateway, LocalSongsGateway],
})
export class PlaylistModule {}
