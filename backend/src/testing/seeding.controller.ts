import { Body, Controller, HttpCode, Param, Post, StandardSchemaValidationPipe, UsePipes } from '@nestjs/common';
import { RoomIdSchema, type Song } from '@musync/protocol';
import * as z from 'zod';

import { RoomService } from '../room/room.service.js';

const SeedSongSchema = z.strictObject({
  id: z.string().min(1).max(128),
  title: z.string().min(1).max(200),
  artist: z.string().max(200).nullable().default(null),
  duration: z.number().positive().finite(),
  /** A file name inside TEST_MEDIA_DIR. */
  file: z.string().regex(/^[\w.-]+$/),
});
type SeedSong = z.infer<typeof SeedSongSchema>;

/**
 * Test-only: puts fixture songs into a room until uploads exist. Mounted only
 * by the testing entry point (testing/main.ts), never by main.ts.
 */
@Controller('api/test')
@UsePipes(new StandardSchemaValidationPipe())
export class SeedingController {
  constructor(private readonly rooms: RoomService) {}

  @Post('rooms/:roomId/songs')
  @HttpCode(201)
  async addSong(
    @Param('roomId', { schema: RoomIdSchema }) roomId: string,
    @Body({ schema: SeedSongSchema }) seed: SeedSong,
  ): Promise<{ song: Song }> {
    const song: Song = {
      id: seed.id,
      title: seed.title,
      artist: seed.artist,
      album: null,
      duration: seed.duration,
      url: `/api/test/media/${seed.file}`,
      coverUrl: null,
    };
    await this.rooms.run(roomId, { type: 'playlist:add', song }, 'system');
    return { song };
  }
}
