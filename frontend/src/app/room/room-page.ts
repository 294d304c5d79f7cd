import { ChangeDetectionStrategy, Component, DOCUMENT, Injector, afterNextRender, computed, effect, inject, input, signal, untracked } from '@angular/core';
import { RouterLink } from '@angular/router';
import { DEFAULT_ROOM_ID, RoomIdSchema } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { shortcutFor } from '../core/shortcuts';
import { Theme } from '../core/theme';
import { Viewport } from '../core/viewport';
import { ChatPanel } from '../chat/chat-panel';
import { ChatStore } from '../chat/chat-store';
import { JoinForm } from '../join/join-form';
import { OwnCopyPanel } from '../own-copy/own-copy-panel';
import { PeoplePanel } from '../people/people-panel';
import { PlayerPanel } from '../player/player-panel';
import { PlaylistPanel } from '../playlist/playlist-panel';
import { RequestsPanel } from '../requests/requests-panel';
import { ConnectionBanner } from '../status/connection-banner';
import { ConnectionStatus } from '../status/connection-status';
import { UploadPanel } from '../upload/upload-panel';

/** The panels a phone shows one at a time, in tab order. */
const PANELS = [
  { id: 'playlist', label: 'Playlist' },
  { id: 'chat', label: 'Chat' },
  { id: 'requests', label: 'Requests' },
  { id: 'people', label: 'People' },
] as const;

type PanelId = (typeof PANELS)[number]['id'];

type RoomChoice =
  | { readonly valid: true; readonly id: string }
  | { readonly valid: false; readonly id: string; readonly problem: string };

@Component({
  selector: 'app-room-page',
  imports: [
    ChatPanel,
    ConnectionBanner,
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
  host: { '(document:keydown)': 'onKey($event)' },
})
export class RoomPage {
  private readonly session = inject(RoomSession);
  private readonly document = inject(DOCUMENT);
  private readonly injector = inject(Injector);
  protected readonly theme = inject(Theme);
  protected readonly narrow = inject(Viewport).narrow;
  protected readonly panels = PANELS;
  private readonly chat = inject(ChatStore);
  /** The panel a phone shows under the player. */
  protected readonly tab = signal<PanelId>('playlist');
  private readonly newestChatId = computed(() => this.chat.lines().at(-1)?.id ?? null);
  /** The newest chat line when the phone's chat tab was last open (or the room joined). */
  private readonly chatSeenId = signal<string | null>(null);
  /** Messages from others that arrived while a phone shows another tab: counted on the Chat tab, read out. */
  protected readonly unseenChat = computed(() => {
    if (!this.narrow() || this.tab() === 'chat') return [];
    const lines = this.chat.lines();
    const seen = lines.findIndex((line) => line.id === this.chatSeenId());
    return lines.slice(seen + 1).filter((line) => line.kind === 'message' && !line.mine);
  });
  protected readonly unseenChatAnnouncement = computed(() => {
    const latest = this.unseenChat().at(-1);
    return latest ? `New chat message from ${latest.author ?? 'someone'}: ${latest.text}` : '';
  });

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

  constructor() {
    // The history a newcomer gets is not news: count from the join on.
    effect(() => {
      if (this.joined()) this.chatSeenId.set(untracked(this.newestChatId));
    });
  }

  /** `/` goes to the chat box from anywhere outside a text field (the player answers the other shortcuts). */
  protected onKey(event: KeyboardEvent): void {
    if (!this.joined() || shortcutFor(event) !== 'focus-chat') return;
    event.preventDefault(); // the slash is not typed into the box
    this.showPanel('chat', 'chat-input');
  }

  /** Left/Right/Home/End move along the tab bar and open the tab reached, as the ARIA tabs pattern does. */
  protected onTabKey(event: KeyboardEvent): void {
    const index = PANELS.findIndex((panel) => panel.id === this.tab());
    const last = PANELS.length - 1;
    const moves: Record<string, number> = { ArrowLeft: index === 0 ? last : index - 1, ArrowRight: index === last ? 0 : index + 1, Home: 0, End: last };
    const next = PANELS[moves[event.key] ?? -1];
    if (!next) return;
    event.preventDefault();
    this.showPanel(next.id, `tab-${next.id}`);
  }

  protected openTab(panel: PanelId): void {
    this.chatSeenId.set(this.newestChatId());
    this.tab.set(panel);
  }

  private showPanel(panel: PanelId, focusId: string): void {
    this.openTab(panel);
    afterNextRender({ write: () => this.document.getElementById(focusId)?.focus() }, { injector: this.injector });
  }
}
