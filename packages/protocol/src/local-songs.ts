import * as z from 'zod';

import {
  LOCAL_SONG_MAX_BYTES,
  LOCAL_SONG_MAX_SECONDS,
  LOCAL_SONG_TAG_MAX_LENGTH,
  LOCAL_SONGS_PER_ROOM,
} from './limits.js';
import type { Song } from './playback.js';

/**
 * "Bring your own copy": a song whose bytes never leave anyone's device. The
 * playlist names it by its content fingerprint; every member picks the same file
 * from their own disk, and their browser accepts it only if the fingerprint matches.
 */

/** SHA-256 of the file's bytes, exactly 64 lowercase hex digits. */
export const FingerprintSchema = z.string().regex(/^[0-9a-f]{64}$/, 'fingerprint must be 64 lowercase hex digits (SHA-256)');

/** Where a song's audio comes from: served by the room (uploaded), or each member's own copy. */
export const SongSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('upload') }),
  z.strictObject({
    kind: z.literal('local'),
    fingerprint: FingerprintSchema,
    /** Bytes, so a picker can refuse a different file before hashing it. */
    size: z.number().int().positive().max(LOCAL_SONG_MAX_BYTES),
  }),
]);
export type SongSource = z.infer<typeof SongSourceSchema>;
export type LocalSource = Extract<SongSource, { kind: 'local' }>;

const LOCAL_SONG_ID_PREFIX = 'local-';

/** A local song's id: its fingerprint, prefixed so it never collides with an uploaded song's (bare SHA-256) id. */
export function localSongId(fingerprint: string): string {
  return `${LOCAL_SONG_ID_PREFIX}${fingerprint}`;
}

/** Whether a song id names an own-copy song (no file on the server). */
export function isLocalSongId(id: string): boolean {
  return id.startsWith(LOCAL_SONG_ID_PREFIX);
}

/** The song's own-copy source, or null for an uploaded song. */
export function localSourceOf(song: Song): LocalSource | null {
  return song.source?.kind === 'local' ? song.source : null;
}

// Control characters (C0, DEL, C1) never belong in a title.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

const TagSchema = z
  .string()
  .trim()
  .max(LOCAL_SONG_TAG_MAX_LENGTH, `at most ${LOCAL_SONG_TAG_MAX_LENGTH} characters`)
  .refine((text) => !CONTROL_CHARACTERS.test(text), 'no control characters');

/** `playlist:add-local`: the adder's browser read the file locally and sends what identifies it. */
export const AddLocalSongSchema = z.strictObject({
  fingerprint: FingerprintSchema,
  size: z.number().int().positive().max(LOCAL_SONG_MAX_BYTES, 'the file is larger than a song can be'),
  /** Seconds, as the adder's browser decoded it. */
  duration: z.number().finite().positive().max(LOCAL_SONG_MAX_SECONDS, 'the song is longer than a song can be'),
  title: TagSchema.pipe(z.string().min(1, 'title is empty')),
  artist: TagSchema.nullable(),
  album: TagSchema.nullable(),
});
export type AddLocalSongRequest = z.infer<typeof AddLocalSongSchema>;

export interface AddLocalSongResult {
  readonly song: Song;
}

/**
 * `copies:report`: every fingerprint this member's browser holds a checked copy
 * of (the whole set, replacing the last report). The server counts a member
 * ready for a song only when the song's fingerprint is among them.
 */
export const CopiesReportSchema = z.strictObject({
  fingerprints: z.array(FingerprintSchema).max(LOCAL_SONGS_PER_ROOM, `at most ${LOCAL_SONGS_PER_ROOM} fingerprints`),
});
export type CopiesReport = z.infer<typeof CopiesReportSchema>;

/**
 * Who holds a copy of each own-copy song: song id → ids of the members present
 * whose report names its fingerprint. Every local song of the playlist is a key.
 */
export type LocalCopies = Readonly<Record<string, readonly string[]>>;
