import * as z from 'zod';

import { CHUNK_SIZE, UPLOAD_NAME_MAX_LENGTH } from './limits.js';
import type { Song } from './playback.js';

// Control characters (C0, DEL, C1) and bidi/zero-width format characters.
// eslint-disable-next-line no-control-regex
const UNSAFE_NAME_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/**
 * A file name is only metadata (the title when the file has no tags), never a
 * path: keep the last path segment, drop control characters, cap the length.
 */
export function cleanUploadName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  return base.replace(UNSAFE_NAME_CHARACTERS, '').trim().slice(0, UPLOAD_NAME_MAX_LENGTH);
}

export const UploadIdSchema = z.uuid('upload id is malformed');

export const UploadStartSchema = z.strictObject({
  name: z
    .string()
    .max(4096, 'name is longer than 4096 characters')
    .transform(cleanUploadName)
    .refine((name) => name.length > 0 && name !== '.' && name !== '..', 'name is empty'),
  size: z.number().int('size must be a whole number of bytes').min(1, 'size: the file is empty').max(Number.MAX_SAFE_INTEGER),
  /** The browser's MIME type: informative only, the format is sniffed from the bytes. */
  type: z.string().max(255).optional(),
  /** Hex SHA-256 of the whole file; when given, checked at finish and used to resume. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits')
    .transform((hex) => hex.toLowerCase())
    .optional(),
});
export type UploadStartRequest = z.input<typeof UploadStartSchema>;

export interface UploadStartResult {
  readonly uploadId: string;
  readonly chunkSize: number;
  /** Bytes the server already has: 0 for a new upload, more when resuming. */
  readonly offset: number;
}

const BinarySchema = z
  .custom<Uint8Array | ArrayBuffer>((data) => data instanceof Uint8Array || data instanceof ArrayBuffer, 'data must be binary')
  .refine((data) => data.byteLength > 0, 'data is empty')
  .refine((data) => data.byteLength <= CHUNK_SIZE, `data: a chunk holds at most ${CHUNK_SIZE} bytes`);

export const UploadChunkSchema = z.strictObject({
  uploadId: UploadIdSchema,
  offset: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  data: BinarySchema,
});
export type UploadChunkRequest = z.infer<typeof UploadChunkSchema>;

/** Acked once the chunk is written: the bytes the server now has. */
export interface UploadChunkResult {
  readonly offset: number;
}

export const UploadRefSchema = z.strictObject({ uploadId: UploadIdSchema });
export type UploadRef = z.infer<typeof UploadRefSchema>;

export interface UploadStatusResult {
  readonly offset: number;
  readonly size: number;
}

export interface UploadFinishResult {
  readonly song: Song;
}
