import { ErrorCode } from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { apply, emptyRoom, type RoomState } from './room.state.js';

function joined(...names: string[]): RoomState {
  return names.reduce(
    (state, name, i) => apply(state, { type: 'member:join', name }, { memberId: name.toLowerCase() }, 1000 + i).state,
    emptyRoom('lobby'),
  );
}

function errorCodeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof DomainError ? error.code : 'not a DomainError';
  }
  return undefined;
}

describe('room reducer: presence and admin', () => {
  it('makes the first member admin', () => {
    const state = joined('Ada');
    expect(state.adminId).toBe('ada');
    expect(state.members).toEqual([{ id: 'ada', name: 'Ada', joinedAt: 1000 }]);
  });

  it('keeps the admin when others join, and lists members in join order', () => {
    const state = joined('Ada', 'Bob', 'Cy');
    expect(state.adminId).toBe('ada');
    expect(state.members.map((m) => m.id)).toEqual(['ada', 'bob', 'cy']);
  });

  it('announces every change of presence to the room', () => {
    const { events } = apply(joined('Ada'), { type: 'member:join', name: 'Bob' }, { memberId: 'bob' }, 2000);
    expect(events).toEqual([
      {
        name: 'presence:updated',
        payload: {
          roomId: 'lobby',
          adminId: 'ada',
          members: [
            { id: 'ada', name: 'Ada', joinedAt: 1000 },
            { id: 'bob', name: 'Bob', joinedAt: 2000 },
          ],
        },
      },
    ]);
  });

  it('promotes the longest-present member when the admin leaves', () => {
    const { state } = apply(joined('Ada', 'Bob', 'Cy'), { type: 'member:leave' }, { memberId: 'ada' }, 5000);
    expect(state.adminId).toBe('bob');
    expect(state.members.map((m) => m.id)).toEqual(['bob', 'cy']);
  });

  it('keeps the admin when someone else leaves', () => {
    const { state } = apply(joined('Ada', 'Bob', 'Cy'), { type: 'member:leave' }, { memberId: 'bob' }, 5000);
    expect(state.adminId).toBe('ada');
  });

  it('leaves no admin in an empty room, and crowns the next arrival', () => {
    const empty = apply(joined('Ada'), { type: 'member:leave' }, { memberId: 'ada' }, 5000).state;
    expect(empty.adminId).toBeNull();
    const next = apply(empty, { type: 'member:join', name: 'Bob' }, { memberId: 'bob' }, 6000).state;
    expect(next.adminId).toBe('bob');
  });

  it('refuses a second join by the same member and changes nothing', () => {
    const state = joined('Ada');
    expect(errorCodeOf(() => apply(state, { type: 'member:join', name: 'Ada' }, { memberId: 'ada' }, 2000))).toBe(
      ErrorCode.ALREADY_JOINED,
    );
    expect(state.members).toHaveLength(1);
  });

  it('refuses a leave by someone who is not in the room', () => {
    expect(errorCodeOf(() => apply(joined('Ada'), { type: 'member:leave' }, { memberId: 'zed' }, 2000))).toBe(
      ErrorCode.NOT_JOINED,
    );
  });

  it('refuses member commands from the system actor', () => {
    expect(errorCodeOf(() => apply(emptyRoom('x'), { type: 'member:join', name: 'A' }, 'system', 0))).toBe(
      ErrorCode.INTERNAL,
    );
  });
});
