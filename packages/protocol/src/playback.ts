import * as z from 'zod';

import { SKIP_MAX_SECONDS, SKIP_THRESHOLD_MAX } from './limits.js';
import { PasscodeSchema } from './access.js';
import { SongSourceSchema } from './local-songs.js';

/** A song in a room's playlist, as every client sees it. */
export const SongSchema = z.strictObject({
  id: z.string().min(1).max(128),
  title: z.string().min(1).max(500),
  artist: z.string().max(500).nullable(),
  album: z.string().max(500).nullable(),
  /** Seconds. */
  duration: z.number().finite().positive(),
  /** Where the audio bytes are served (HTTP, Range-capable). */
  url: z.string().max(2048),
  /** Cover art, when the file has one. */
  coverUrl: z.string().max(2048).nullable(),
  /** Absent for an uploaded song; `local`: each member plays their own copy (no `url`). */
  source: SongSourceSchema.optional(),
});
export type Song = Readonly<z.infer<typeof SongSchema>>;

/**
 * Playback is a clock, not a stream of positions.
 * - `playing`: the song is at `position` seconds at server time `anchor` and
 *   advances in real time: at server time t it is at position + (t − anchor)/1000.
 * - `paused`: it rests at `position`; `anchor` is when the pause takes effect.
 * - `loading`: a new song waits for every member to report it loaded (or for
 *   `anchor`, the barrier's deadline), then starts from `position`.
 * Every change takes effect a little in the future (the scheduling lead), so
 * every client can act on it at the same server time.
 */
export interface Playback {
  readonly songId: string | null;
  readonly status: 'playing' | 'paused' | 'loading';
  readonly position: number;
  readonly anchor: number;
  /** Bumped on every change; commands may carry it to refuse acting on a stale view. */
  readonly version: number;
}

/** Who may play, pause, skip, select and move between songs. */
export type ControlMode = 'everyone' | 'admin';

/**
 * Votes that skip the song playing: 'off', 'majority' (more than half of the
 * people present, the default) or a fixed number of votes.
 */
export type SkipThreshold = 'off' | 'majority' | number;

/** Who may add own-copy songs (uploads stay the admin's). */
export type AddSongsMode = 'everyone' | 'admin';

export interface RoomSettings {
  readonly control: ControlMode;
  readonly skipThreshold: SkipThreshold;
  /** Who may add "bring your own copy" songs; the admin by default. */
  readonly addSongs: AddSongsMode;
  /** An own-copy song waits to start until everyone present holds a copy; off by default (nobody waits). */
  readonly waitForCopies: boolean;
  /** The room asks joiners for a passcode (the passcode itself is never sent). */
  readonly hasPasscode: boolean;
}

/** The vote to skip the current song; reset on every song change. */
export interface SkipVotes {
  readonly songId: string | null;
  /** Person ids of those who voted. */
  readonly voterIds: readonly string[];
  /** Votes that skip the song now; null while voting is off. */
  readonly needed: number | null;
}

/** The playhead at server time `at`, in seconds. */
export function positionAt(playback: Playback, at: number): number {
  if (playback.status !== 'playing') return playback.position;
  return playback.position + (at - playback.anchor) / 1000;
}

const SongIdSchema = z.string().min(1).max(128);
const VersionSchema = z.number().int().nonnegative().optional();

/** The state version the client acted on; a different current version is STALE_STATE. */
export const ControlSchema = z.strictObject({ version: VersionSchema });
export type ControlRequest = z.infer<typeof ControlSchema>;

/** next / previous / ended name the song they act on, so N listeners move one song, not N. */
export const SongStepSchema = z.strictObject({ fromSongId: SongIdSchema, version: VersionSchema });
export type SongStepRequest = z.infer<typeof SongStepSchema>;

export const SelectSchema = z.strictObject({ songId: SongIdSchema, version: VersionSchema });
export type SelectRequest = z.infer<typeof SelectSchema>;

export const SkipSchema = z.strictObject({
  by: z.number().finite().min(-SKIP_MAX_SECONDS).max(SKIP_MAX_SECONDS),
  version: VersionSchema,
});
export type SkipRequest = z.infer<typeof SkipSchema>;

export const SeekSchema = z.strictObject({
  position: z.number().finite().nonnegative(),
  version: VersionSchema,
});
export type SeekRequest = z.infer<typeof SeekSchema>;

export const SongReadySchema = z.strictObject({ songId: SongIdSchema });
export type SongReadyRequest = z.infer<typeof SongReadySchema>;

/** Admin only: takes a song off the playlist; if it was on, the next one takes its place. */
export const RemoveSongSchema = z.strictObject({ songId: SongIdSchema });
export type RemoveSongRequest = z.infer<typeof RemoveSongSchema>;

/** Admin only: moves a song to `toIndex` (0-based) in the playlist; the others keep their order. */
export const MoveSongSchema = z.strictObject({ songId: SongIdSchema, toIndex: z.number().int().nonnegative() });
export type MoveSongRequest = z.infer<typeof MoveSongSchema>;

export const SkipThresholdSchema = z.union([
  z.literal('off'),
  z.literal('majority'),
  z.number().int().min(1).max(SKIP_THRESHOLD_MAX),
]);

/** Admin only: change one or more settings; the others stay. */
export const SettingsSchema = z
  .strictObject({
    control: z.enum(['everyone', 'admin']).optional(),
    skipThreshold: SkipThresholdSchema.optional(),
    addSongs: z.enum(['everyone', 'admin']).optional(),
    waitForCopies: z.boolean().optional(),
    /** A passcode new joiners must give; null takes it away. Members already in stay. */
    passcode: PasscodeSchema.nullable().optional(),
  })
  .refine((s) => Object.values(s).some((value) => value !== undefined), 'name at least one setting');
export type SettingsRequest = z.infer<typeof SettingsSchema>;

/** A vote to skip the song `songId` (named, so a vote cast as the song changed counts for nothing). */
export const VoteSkipSchema = z.strictObject({ songId: SongIdSchema });
export type VoteSkipRequest = z.infer<typeof VoteSkipSchema>;

export interface PlaybackResult {
  readonly playback: Playback;
}
