import { Injectable, Logger } from '@nestjs/common';
import { isLocalSongId } from '@musync/protocol';

import { MediaStore } from '../media/media.store.js';
import { RoomService } from '../room/room.service.js';
import { RoomStore } from '../room/room.store.js';

/** Who is asking: the socket's room and member. */
export interface PlaylistEditor {
  readonly roomId: string;
  readonly memberId: string;
}

/**
 * Playlist changes that reach beyond the room's state: removing a song also
 * deletes its file once no room lists it any more (songs are content-addressed,
 * so two rooms can share one file).
 */
@Injectable()
export class PlaylistService {
  private readonly logger = new Logger(PlaylistService.name);

  constructor(
    private readonly rooms: RoomService,
    private readonly store: RoomStore,
    private readonly media: MediaStore,
  ) {}

  async remove(who: PlaylistEditor, songId: string): Promise<void> {
    // The reducer checks the admin and the song, and cues the next song if this one was on.
    await this.rooms.run(who.roomId, { type: 'playlist:remove', songId }, { memberId: who.memberId });
    // An own-copy song has no file here: its bytes never left anyone's device.
    if (isLocalSongId(songId)) return;
    try {
      await this.media.exclusive(songId, async () => {
        if (!(await this.store.songInUse(songId))) await this.media.remove(songId);
      });
    } catch (error) {
      // The song is off the playlist either way; a file left behind only costs disk.
      this.logger.error(`song ${songId} removed but its file was not deleted`, error);
    }
  }
}
