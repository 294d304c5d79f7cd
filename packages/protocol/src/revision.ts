import * as z from 'zod';

import type { Member, Presence } from './room.js';

/**
 * Room revisions. Every change applied to a room bumps its revision `rev` by
 * one, and every broadcast carries the revision of the state it came from, so
 * a client can tell an old broadcast from a new one whatever order two nodes'
 * broadcasts reach it in. The join snapshot (and a `room:snapshot` resync)
 * carries the revision it was taken at.
 */
export interface Revised {
  readonly rev: number;
}

/**
 * Whether an update of one part of the room (playlist, settings, requests…)
 * taken at `rev` may replace what the client shows, taken at `kept`. Equal
 * counts as current: one change can broadcast the same part twice, in order.
 */
export function supersedes(rev: number, kept: number): boolean {
  return rev >= kept;
}

/**
 * A change of presence. Presence is sent as deltas, so each names the revision
 * of the previous presence change (`since`): a delta applies to a list known
 * as of any revision from `since` up to (not including) its own `rev`.
 */
export interface PresenceStep extends Revised {
  readonly since: number;
  /** The admin after the change (a join or leave can move the chair). */
  readonly adminId: string | null;
}
export interface PresenceJoined extends PresenceStep {
  readonly member: Member;
}
export interface PresenceLeft extends PresenceStep {
  readonly memberId: string;
}
/** The chair changed and nobody came or went (an admin's grace period ended). */
export type PresenceChanged = PresenceStep;

export type PresenceDelta =
  | ({ readonly kind: 'joined' } & PresenceJoined)
  | ({ readonly kind: 'left' } & PresenceLeft)
  | ({ readonly kind: 'changed' } & PresenceChanged);

/** A client's presence: the list, the revision it is known as of, and deltas that arrived ahead of a missing one. */
export interface PresenceView {
  readonly presence: Presence;
  readonly rev: number;
  readonly pending: readonly PresenceDelta[];
}

/** The presence of a snapshot taken at `rev`, with nothing pending. */
export function presenceView(presence: Presence, rev: number): PresenceView {
  return { presence, rev, pending: [] };
}

/**
 * Takes one presence delta: applies it if it follows what the view has, drops
 * it if the view already has it, and otherwise holds it until the missing one
 * comes (then applies both, in order). A view left with `pending` deltas has a
 * gap: if it stays (PRESENCE_GAP_MS), ask for a snapshot.
 */
export function receivePresence(view: PresenceView, delta: PresenceDelta): PresenceView {
  if (delta.rev <= view.rev || view.pending.some((d) => d.rev === delta.rev)) return view;
  return drain({ ...view, pending: [...view.pending, delta] });
}

/**
 * Takes the presence of a snapshot taken at `rev` (a resync), unless the view
 * is already newer; deltas held past it still apply afterwards.
 */
export function resyncPresence(view: PresenceView, presence: Presence, rev: number): PresenceView {
  if (rev < view.rev) return view;
  return drain({ presence, rev, pending: view.pending });
}

function drain(view: PresenceView): PresenceView {
  let { presence, rev } = view;
  let pending = view.pending.filter((d) => d.rev > rev);
  for (let next = pending.find((d) => d.since <= rev); next; next = pending.find((d) => d.since <= rev)) {
    presence = applyPresenceDelta(presence, next);
    rev = next.rev;
    pending = pending.filter((d) => d.rev > rev);
  }
  return { presence, rev, pending };
}

/** The list after one delta: a joiner is appended (once), a leaver removed, the admin set. */
export function applyPresenceDelta(presence: Presence, delta: PresenceDelta): Presence {
  let members = presence.members;
  if (delta.kind === 'joined') members = [...members.filter((m) => m.id !== delta.member.id), delta.member];
  if (delta.kind === 'left') members = members.filter((m) => m.id !== delta.memberId);
  return { roomId: presence.roomId, members, adminId: delta.adminId };
}

/** `room:snapshot`: the whole room again, for a client that lost track (a presence gap that did not fill). */
export const SnapshotRequestSchema = z.strictObject({});
export type SnapshotRequest = z.infer<typeof SnapshotRequestSchema>;
