import { TestBed } from '@angular/core/testing';
import type {
  AddSongsMode,
  ChatLine,
  ChatNotice,
  ControlMode,
  LocalCopies,
  Member,
  Playback,
  SkipThreshold,
  SkipVotes,
  Song,
  SongRequest,
} from '@musync/protocol';

import { RoomSession } from '../core/room-session';
import type { FakeSocket } from './fake-socket';

export const song = (id: string, change: Partial<Song> = {}): Song => ({
  id,
  title: `Song ${id.toUpperCase()}`,
  artist: `Artist ${id.toUpperCase()}`,
  album: null,
  duration: 185,
  url: `/media/${id}.wav`,
  coverUrl: null,
  ...change,
});

/** A chat message from `from` (Ada unless told), at server time `at`. */
export const message = (id: string, text: string, change: Partial<Extract<ChatLine, { kind: 'message' }>> = {}): ChatLine => ({
  kind: 'message',
  id,
  at: 1_700_000_000_000,
  personId: 'p-ada',
  name: 'Ada',
  admin: false,
  text,
  ...change,
});

export const notice = (id: string, what: ChatNotice, at = 1_700_000_000_000): ChatLine => ({ kind: 'notice', id, at, notice: what });

/** A pending request for "<title>" by Grace, with no votes. */
export const songRequest = (id: string, change: Partial<SongRequest> = {}): SongRequest => ({
  id,
  title: `Wish ${id.toUpperCase()}`,
  artist: null,
  note: null,
  requesterId: 'p-grace',
  requester: 'Grace',
  at: 1_700_000_000_000,
  status: 'pending',
  voterIds: [],
  answer: null,
  decidedAt: null,
  songId: null,
  ...change,
});

export const ADA: Member = { id: 'm-ada', personId: 'p-ada', name: 'Ada', joinedAt: 1000 };
export const GRACE: Member = { id: 'm-grace', personId: 'p-grace', name: 'Grace', joinedAt: 500 };

export interface RoomSetup {
  /** Who this client joins as (default Ada). */
  readonly me?: Member;
  readonly admin?: Member;
  readonly playlist?: readonly Song[];
  readonly playback?: Playback;
  readonly control?: ControlMode;
  readonly skipThreshold?: SkipThreshold;
  readonly addSongs?: AddSongsMode;
  readonly waitForCopies?: boolean;
  readonly hasPasscode?: boolean;
  /** The server has an ADMIN_PASSWORD (the join ack's adminClaimable). */
  readonly adminClaimable?: boolean;
  readonly copies?: LocalCopies;
  readonly skip?: SkipVotes;
  readonly chat?: readonly ChatLine[];
  readonly requests?: readonly SongRequest[];
}

/**
 * Connects and joins `lobby` through RoomSession, the fake server answering with
 * this snapshot, and waits for the ack. Call after TestBed is configured.
 */
export async function joinRoom(socket: FakeSocket, setup: RoomSetup = {}): Promise<void> {
  const me = setup.me ?? ADA;
  const admin = setup.admin ?? me;
  const members = [admin, me].filter((m, i, all) => all.indexOf(m) === i);
  socket.answer('room:join', (_, ack) =>
    ack({
      ok: true,
      rev: 0,
      memberId: me.id,
      personId: me.personId,
      name: me.name,
      presence: { roomId: 'lobby', members, adminId: admin.id },
      playlist: setup.playlist ?? [],
      playback: setup.playback ?? { songId: null, status: 'paused', position: 0, anchor: 0, version: 0 },
      settings: {
        control: setup.control ?? 'everyone',
        skipThreshold: setup.skipThreshold ?? 'majority',
        addSongs: setup.addSongs ?? 'admin',
        waitForCopies: setup.waitForCopies ?? false,
        hasPasscode: setup.hasPasscode ?? false,
      },
      adminClaimable: setup.adminClaimable ?? false,
      copies: setup.copies ?? {},
      chat: setup.chat ?? [],
      requests: setup.requests ?? [],
      skip: setup.skip ?? { songId: setup.playback?.songId ?? null, voterIds: [], needed: null },
    }),
  );
  if (!socket.connected) socket.serverAccepts();
  const session = TestBed.inject(RoomSession);
  session.join('lobby', me.name);
  // The fake acks at once; the answer needs only promise callbacks, so this works under fake timers too.
  for (let i = 0; i < 10 && !session.joined(); i++) await Promise.resolve();
  if (!session.joined()) throw new Error('the join was not answered');
}
