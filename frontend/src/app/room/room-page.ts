import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DEFAULT_ROOM_ID, RoomIdSchema } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { ChatPanel } from '../chat/chat-panel';
import { JoinForm } from '../join/join-form';
import { OwnCopyPanel } from '../own-copy/own-copy-panel';
import { PeoplePanel } from '../people/people-panel';
import { PlayerPanel } from '../player/player-panel';
import { PlaylistPanel } from '../playlist/playlist-panel';
import { RequestsPanel } from '../requests/requests-panel';
import { ConnectionStatus } from '../status/connection-status';
import { UploadPanel } from '../upload/upload-panel';

type RoomChoice =
  | { readonly valid: true; readonly id: string }
  | { readonly valid: false; readonly id: string; readonly problem: string };

@Component({
  selector: 'app-room-page',
  imports: [
    ChatPanel,
    ConnectionStatus,
    JoinForm,
    OwnCopyPanel,
    PeoplePanel,
    PlayerPanel,
    PlaylistPanel,
    RequestsPanel,
    RouterLink,
    UploadPanel,
  ],
  templateUrl: './room-page.html',
  styleUrl: './room-page.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RoomPage {
  private readonly session = inject(RoomSession);

  /** The `:room` route parameter; absent on `/`, which is the default room. */
  readonly room = input<string>();

  protected readonly choice = computed<RoomChoice>(() => {
    const room = this.room();
    if (room === undefined) return { valid: true, id: DEFAULT_ROOM_ID };
    const parsed = RoomIdSchema.safeParse(room);
    return parsed.success
      ? { valid: true, id: parsed.data }
      : { valid: false, id: room, problem: parsed.error.issues[0]?.message ?? 'invalid room id' };
  });
  protected readonly joined = this.session.joined;
  protected readonly name = this.session.name;
  protected readonly defaultRoomId = DEFAULT_ROOM_ID;
}
