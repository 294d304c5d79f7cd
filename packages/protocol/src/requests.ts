import * as z from 'zod';

import { textSchema } from './chat.js';
import { REQUEST_NOTE_MAX_LENGTH, REQUEST_TITLE_MAX_LENGTH } from './limits.js';

const RequestIdSchema = z.string().min(1).max(64);
const SongIdSchema = z.string().min(1).max(128);

export const RequestCreateSchema = z.strictObject({
  title: textSchema('title', REQUEST_TITLE_MAX_LENGTH),
  artist: textSchema('artist', REQUEST_TITLE_MAX_LENGTH).optional(),
  note: textSchema('note', REQUEST_NOTE_MAX_LENGTH).optional(),
});
export type RequestCreate = z.input<typeof RequestCreateSchema>;

/** +1 and withdraw name the request only. */
export const RequestRefSchema = z.strictObject({ requestId: RequestIdSchema });
export type RequestRef = z.infer<typeof RequestRefSchema>;

export const RequestApproveSchema = z.strictObject({
  requestId: RequestIdSchema,
  note: textSchema('note', REQUEST_NOTE_MAX_LENGTH).optional(),
});
export type RequestApprove = z.input<typeof RequestApproveSchema>;

export const RequestRejectSchema = z.strictObject({
  requestId: RequestIdSchema,
  reason: textSchema('reason', REQUEST_NOTE_MAX_LENGTH).optional(),
});
export type RequestReject = z.input<typeof RequestRejectSchema>;

/** Admin: this playlist song fulfils an approved request. */
export const RequestFulfilSchema = z.strictObject({ requestId: RequestIdSchema, songId: SongIdSchema });
export type RequestFulfil = z.infer<typeof RequestFulfilSchema>;

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'fulfilled' | 'withdrawn';

/** A song someone asked for. Times are server time (ms since the epoch). */
export interface SongRequest {
  readonly id: string;
  readonly title: string;
  readonly artist: string | null;
  readonly note: string | null;
  /** Who asked: a person id (stable across reloads) and the name they had. */
  readonly requesterId: string;
  readonly requester: string;
  readonly at: number;
  readonly status: RequestStatus;
  /** Person ids of the +1s (the requester's own ask is not a vote). */
  readonly voterIds: readonly string[];
  /** The admin's note (approved) or reason (rejected). */
  readonly answer: string | null;
  readonly decidedAt: number | null;
  /** The playlist song that fulfilled it. */
  readonly songId: string | null;
}

export interface RequestResult {
  readonly request: SongRequest;
}

/** The order everyone sees: pending by votes (then oldest first), then the decided ones, newest first. */
export function sortRequests(requests: readonly SongRequest[]): SongRequest[] {
  const pending = requests.filter((r) => r.status === 'pending');
  const decided = requests.filter((r) => r.status !== 'pending');
  pending.sort((a, b) => b.voterIds.length - a.voterIds.length || a.at - b.at);
  decided.sort((a, b) => (b.decidedAt ?? b.at) - (a.decidedAt ?? a.at));
  return [...pending, ...decided];
}
