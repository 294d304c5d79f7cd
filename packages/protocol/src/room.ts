import * as z from 'zod';

import {
  CLIENT_TOKEN_PATTERN,
  ROOM_ID_MAX_LENGTH,
  ROOM_ID_PATTERN,
  USERNAME_MAX_LENGTH,
} from './limits.js';
import { PasscodeSchema } from './access.js';
import type { ChatLine } from './chat.js';
import type { LocalCopies } from './local-songs.js';
import type { Playback, RoomSettings, SkipVotes, Song } from './playback.js';
import type { SongRequest } from './requests.js';

// Control characters (C0, DEL, C1) and the bidi/zero-width format characters
// that can make one name look like another.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

export const RoomIdSchema = z
  .string()
  .min(1, 'room id is empty')
  .max(ROOM_ID_MAX_LENGTH, `room id is longer than ${ROOM_ID_MAX_LENGTH} characters`)
  .regex(ROOM_ID_PATTERN, 'room id may only hold letters, digits, "-" and "_"');

export const UsernameSchema = z
  .string()
  .trim()
  .min(1, 'username is empty')
  .max(USERNAME_MAX_LENGTH, `username is longer than ${USERNAME_MAX_LENGTH} characters`)
  .refine((name) => !UNSAFE_NAME_CHARACTERS.test(name), 'username holds control or invisible characters');

export const JoinRequestSchema = z.strictObject({
  roomId: RoomIdSchema,
  username: UsernameSchema,
  clientToken: z.string().regex(CLIENT_TOKEN_PATTERN, 'client token is malformed').optional(),
  /** The room's passcode, if it has one (the refusal PASSCODE_REQUIRED says so). */
  passcode: PasscodeSchema.optional(),
});
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

export interface Member {
  /** This connection's id in the room (new on every join). */
  readonly id: string;
  /**
   * The person behind it, stable across reloads and restarts: derived from the
   * browser's client token (never the token itself), or the member id without one.
   * Votes, requests and chat authorship are by person.
   */
  readonly personId: string;
  readonly name: string;
  /** Server time the member joined; the longest-present member is promoted. */
  readonly joinedAt: number;
}

export interface Presence {
  readonly roomId: string;
  readonly members: readonly Member[];
  readonly adminId: string | null;
}

/** Everything a member needs to render the room, sent in the join ack. */
export interface RoomSnapshot {
  /** The room's revision this snapshot was taken at: broadcasts from before it are old news. */
  readonly rev: number;
  readonly presence: Presence;
  readonly playlist: readonly Song[];
  readonly playback: Playback;
  readonly settings: RoomSettings;
  /** The recent chat, oldest first. */
  readonly chat: readonly ChatLine[];
  /** Every request the room keeps, in `sortRequests` order. */
  readonly requests: readonly SongRequest[];
  readonly skip: SkipVotes;
  /** Who holds a copy of each own-copy song. */
  readonly copies: LocalCopies;
}

export interface JoinResult extends RoomSnapshot {
  readonly memberId: string;
  readonly personId: string;
  /** The name this member goes by: the one asked for, or with a number added when it was taken. */
  readonly name: string;
  /**
   * The server has an ADMIN_PASSWORD: nobody is admin by arriving first, and
   * `admin:claim` with that password makes a member the admin.
   */
  readonly adminClaimable: boolean;
}
