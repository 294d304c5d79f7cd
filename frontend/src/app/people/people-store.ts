import { Service, computed, inject } from '@angular/core';
import { localSourceOf, type Song } from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import { SocketClient } from '../core/socket-client';

/** Who is in the room, in the order they joined, and who is its admin (or claims to be). */
@Service()
export class PeopleStore {
  private readonly session = inject(RoomSession);
  private readonly socket = inject(SocketClient);

  readonly members = computed(() =>
    [...(this.session.presence()?.members ?? [])].sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id)),
  );
  readonly count = computed(() => this.members().length);
  readonly adminId = computed(() => this.session.presence()?.adminId ?? null);
  readonly meId = this.session.memberId;
  readonly isMeAdmin = computed(() => this.meId() !== null && this.meId() === this.adminId());
  /** The server has an ADMIN_PASSWORD: the admin is whoever proved it, and anyone may try. */
  readonly adminClaimable = this.session.adminClaimable;

  /** Claims the chair with the server's admin password; resolves with the refusal's message, or null. */
  async claimAdmin(password: string): Promise<string | null> {
    const result = await this.socket.request('admin:claim', { password });
    // The new admin arrives like every presence change, as a `presence:changed` broadcast.
    return result.ok ? null : result.error.message;
  }
  /** The own-copy song on now, or else the next one, with the ids of the members who hold a copy. */
  readonly upcomingCopy = computed<{ readonly song: Song; readonly holders: ReadonlySet<string> } | null>(() => {
    const playlist = this.session.playlist();
    const current = Math.max(0, playlist.findIndex((s) => s.id === this.session.playback()?.songId));
    const song = playlist.slice(current).find((s) => localSourceOf(s) !== null);
    return song ? { song, holders: new Set(this.session.copies()[song.id] ?? []) } : null;
  });
}
