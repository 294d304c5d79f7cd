import {
  applyPresenceDelta,
  presenceView,
  receivePresence,
  resyncPresence,
  supersedes,
  type PresenceDelta,
} from './revision.js';
import type { Member, Presence } from './room.js';

const member = (id: string, joinedAt = 0): Member => ({ id, personId: `p-${id}`, name: id, joinedAt });
const start: Presence = { roomId: 'r', members: [member('a')], adminId: 'a' };
const joined = (id: string, since: number, rev: number): PresenceDelta => ({
  kind: 'joined',
  member: member(id, rev),
  adminId: 'a',
  since,
  rev,
});
const left = (id: string, since: number, rev: number, adminId = 'a'): PresenceDelta => ({
  kind: 'left',
  memberId: id,
  adminId,
  since,
  rev,
});
const ids = (presence: Presence) => presence.members.map((m) => m.id);

describe('supersedes (one part of the room at a time)', () => {
  it('lets a newer or equal revision replace the kept one and ignores an older one', () => {
    expect(supersedes(8, 7)).toBe(true);
    expect(supersedes(7, 7)).toBe(true);
    expect(supersedes(6, 7)).toBe(false);
  });
});

describe('presence deltas', () => {
  it('applies a delta that follows the list it has', () => {
    const view = receivePresence(presenceView(start, 5), joined('b', 3, 6));
    expect(ids(view.presence)).toEqual(['a', 'b']);
    expect(view.rev).toBe(6);
    expect(view.pending).toEqual([]);
  });

  it('ignores a delta the snapshot already holds (the joiner hears its own arrival)', () => {
    const snapshot: Presence = { ...start, members: [member('a'), member('b')] };
    const view = receivePresence(presenceView(snapshot, 6), joined('b', 3, 6));
    expect(ids(view.presence)).toEqual(['a', 'b']);
    expect(view.rev).toBe(6);
  });

  it('holds a delta that arrives before the one it follows, then applies both in order', () => {
    let view = presenceView(start, 5);
    view = receivePresence(view, left('b', 6, 9));
    expect(ids(view.presence)).toEqual(['a']);
    expect(view.pending).toHaveLength(1);
    view = receivePresence(view, joined('b', 2, 6));
    expect(ids(view.presence)).toEqual(['a']);
    expect(view.rev).toBe(9);
    expect(view.pending).toEqual([]);
  });

  it('applies the same delta once when it arrives twice', () => {
    let view = receivePresence(presenceView(start, 5), joined('c', 6, 8));
    view = receivePresence(view, joined('b', 2, 6));
    view = receivePresence(view, joined('c', 6, 8));
    view = receivePresence(view, joined('b', 2, 6));
    expect(view.pending).toEqual([]);
    expect(ids(view.presence)).toEqual(['a', 'b', 'c']);
  });

  it('moves the chair with the delta', () => {
    const view = receivePresence(presenceView(start, 5), { kind: 'changed', adminId: null, since: 1, rev: 7 });
    expect(view.presence.adminId).toBeNull();
    expect(applyPresenceDelta(start, left('a', 0, 1, 'b')).adminId).toBe('b');
  });

  it('a resync fills a gap and keeps the deltas after it', () => {
    let view = receivePresence(presenceView(start, 5), left('b', 7, 9));
    view = receivePresence(view, joined('c', 9, 11));
    const atSeven: Presence = { ...start, members: [member('a'), member('b')] };
    view = resyncPresence(view, atSeven, 8);
    expect(ids(view.presence)).toEqual(['a', 'c']);
    expect(view.rev).toBe(11);
    expect(view.pending).toEqual([]);
  });

  it('a resync older than the view changes nothing', () => {
    const view = receivePresence(presenceView(start, 5), joined('b', 5, 6));
    expect(resyncPresence(view, start, 4)).toBe(view);
  });
});
