import { ErrorCode } from '@musync/protocol';

import { member, refusal, room, run } from './room.spec-kit.js';

describe('presence: joining and leaving', () => {
  it('makes the first member admin and lists members in join order', () => {
    const state = room(['Ada', 'Bob', 'Cy']);
    expect(state.adminId).toBe('ada');
    expect(state.members.map((m) => m.id)).toEqual(['ada', 'bob', 'cy']);
  });

  it('announces presence without the members’ browser tokens', () => {
    const { events } = run(room(['Ada']), { type: 'member:join', name: 'Bob', token: 'secret-token-123456' }, member('bob'));
    expect(events).toEqual([
      {
        name: 'presence:updated',
        payload: {
          roomId: 'lobby',
          adminId: 'ada',
          members: [
            { id: 'ada', name: 'Ada', joinedAt: 1000 },
            { id: 'bob', name: 'Bob', joinedAt: 100_000 },
          ],
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('refuses a second join by the same member', () => {
    expect(refusal(room(['Ada']), { type: 'member:join', name: 'Ada', token: null }, member('ada'))).toBe(
      ErrorCode.ALREADY_JOINED,
    );
  });

  it('refuses a leave by someone who is not in the room', () => {
    expect(refusal(room(['Ada']), { type: 'member:leave', graceMs: 0 }, member('zed'))).toBe(ErrorCode.NOT_JOINED);
  });

  it('keeps the admin when someone else leaves', () => {
    expect(run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000 }, member('bob')).state.adminId).toBe('ada');
  });
});

describe('admin election', () => {
  it('promotes the longest-present member at once when there is no grace period', () => {
    const { state, wakeups } = run(room(['Ada', 'Bob', 'Cy']), { type: 'member:leave', graceMs: 0 }, member('ada'));
    expect(state.adminId).toBe('bob');
    expect(wakeups).toEqual([]);
  });

  it('holds the chair open for the grace period, then promotes the longest-present member', () => {
    const left = run(room(['Ada', 'Bob', 'Cy']), { type: 'member:leave', graceMs: 5000 }, member('ada'), 10_000);
    expect(left.state.adminId).toBeNull();
    expect(left.wakeups).toEqual([{ at: 15_000, command: { type: 'admin:vacancy-expired', token: 'token-of-ada' } }]);
    const expired = run(left.state, left.wakeups[0]!.command, 'system', 15_000);
    expect(expired.state.adminId).toBe('bob');
    expect(expired.events[0]).toMatchObject({ name: 'presence:updated', payload: { adminId: 'bob' } });
  });

  it('gives the chair back to the admin who returns (same browser token) within the grace period', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000 }, member('ada'), 10_000);
    const back = run(left.state, { type: 'member:join', name: 'Ada', token: 'token-of-ada' }, member('ada-2'), 12_000);
    expect(back.state.adminId).toBe('ada-2');
    expect(back.state.vacancy).toBeNull();
    // The expiry that was scheduled changes nothing any more.
    expect(run(back.state, left.wakeups[0]!.command, 'system', 15_000).state.adminId).toBe('ada-2');
  });

  it('does not give the chair to a newcomer during the grace period', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000 }, member('ada'), 10_000);
    const joined = run(left.state, { type: 'member:join', name: 'Eve', token: 'token-of-eve' }, member('eve'), 11_000);
    expect(joined.state.adminId).toBeNull();
  });

  it('does not give the chair back after the grace period', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000 }, member('ada'), 10_000);
    const expired = run(left.state, left.wakeups[0]!.command, 'system', 15_000).state;
    const back = run(expired, { type: 'member:join', name: 'Ada', token: 'token-of-ada' }, member('ada-2'), 16_000);
    expect(back.state.adminId).toBe('bob');
  });

  it('ignores an expiry that comes early or for another token', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000 }, member('ada'), 10_000);
    expect(run(left.state, { type: 'admin:vacancy-expired', token: 'token-of-ada' }, 'system', 14_999).state.adminId).toBeNull();
    expect(run(left.state, { type: 'admin:vacancy-expired', token: 'other' }, 'system', 20_000).state.adminId).toBeNull();
  });

  it('promotes at once an admin without a browser token', () => {
    const state = run(room(['Ada']), { type: 'member:join', name: 'Bob', token: null }, member('bob')).state;
    const tokenless = { ...state, members: state.members.map((m) => ({ ...m, token: null })) };
    expect(run(tokenless, { type: 'member:leave', graceMs: 5000 }, member('ada')).state.adminId).toBe('bob');
  });

  it('leaves no admin in an empty room, and crowns the next arrival', () => {
    const empty = run(room(['Ada']), { type: 'member:leave', graceMs: 5000 }, member('ada')).state;
    expect(empty.adminId).toBeNull();
    expect(run(empty, { type: 'member:join', name: 'Bob', token: null }, member('bob')).state.adminId).toBe('bob');
  });

  it('lets only the system close a vacancy, not even the admin', () => {
    expect(refusal(room(['Ada', 'Bob']), { type: 'admin:vacancy-expired', token: 'x' }, member('ada'))).toBe(
      ErrorCode.FORBIDDEN,
    );
  });
});

describe('room settings', () => {
  it('lets the admin restrict playback control to the admin', () => {
    const { state, events } = run(room(['Ada', 'Bob']), { type: 'room:configure', control: 'admin' }, member('ada'));
    expect(state.settings.control).toBe('admin');
    expect(events).toEqual([{ name: 'settings:updated', payload: { control: 'admin' } }]);
  });

  it('refuses a settings change by a non-admin', () => {
    expect(refusal(room(['Ada', 'Bob']), { type: 'room:configure', control: 'admin' }, member('bob'))).toBe(
      ErrorCode.NOT_ADMIN,
    );
  });
});
