import { Service, computed, inject } from '@angular/core';

import { RoomSession } from '../core/room-session';

/** Who is in the room, in the order they joined. */
@Service()
export class PeopleStore {
  private readonly session = inject(RoomSession);

  readonly members = computed(() =>
    [...(this.session.presence()?.members ?? [])].sort((a, b) => a.joinedAt - b.joinedAt || a.id.localeCompare(b.id)),
  );
  readonly count = computed(() => this.members().length);
  readonly adminId = computed(() => this.session.presence()?.adminId ?? null);
  readonly meId = this.session.memberId;
  readonly isMeAdmin = computed(() => this.meId() !== null && this.meId() === this.adminId());
}
