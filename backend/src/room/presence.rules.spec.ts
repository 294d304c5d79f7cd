import { ErrorCode, USERNAME_MAX_LENGTH } from '@musync/protocol';

import { joining, member, refusal, room, run } from './room.spec-kit.js';
import { presenceOf, snapshotOf, type RoomState } from './room.state.js';
import { seal } from './secret.js';

describe('presence: joining and leaving', () => {
  it('makes the first member admin and lists members in join order', () => {
    const state = room(['Ada', 'Bob', 'Cy']);
    expect(state.adminId).toBe('ada');
    expect(state.members.map((m) => m.id)).toEqual(['ada', 'bob', 'cy']);
  });

  it('announces an arrival as a delta: the newcomer alone, without their browser token', () => {
    const { events } = run(room(['Ada']), joining('Bob', { token: 'secret-token-123456' }), member('bob'));
    expect(events.find((e) => e.name === 'presence:joined')).toEqual({
      name: 'presence:joined',
      payload: {
        member: { id: 'bob', personId: 'person-bob', name: 'Bob', joinedAt: 100_000 },
        adminId: 'ada',
      },
    });
    expect(JSON.stringify(events)).not.toContain('secret');
  });

  it('announces a departure as a delta naming who left and the admin after it', () => {
    const { events } = run(room(['Ada', 'Bob', 'Cy']), { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada'));
    expect(events.filter((e) => e.name.startsWith('presence:'))).toEqual([
      { name: 'presence:left', payload: { memberId: 'ada', adminId: 'bob' } },
    ]);
  });

  it('refuses a second join by the same member', () => {
    expect(refusal(room(['Ada']), joining('Ada', { token: null, personId: 'ada' }), member('ada'))).toBe(
      ErrorCode.ALREADY_JOINED,
    );
  });

  it('refuses a leave by someone who is not in the room', () => {
    expect(refusal(room(['Ada']), { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('zed'))).toBe(ErrorCode.NOT_JOINED);
  });

  it('keeps the admin when someone else leaves', () => {
    expect(run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('bob')).state.adminId).toBe('ada');
  });
});

describe('presence:announce (after a node left the cluster)', () => {
  it('sends a presence delta that changes nothing, and only the server may', () => {
    const before = room(['Ada', 'Bob']);
    const { state, events } = run(before, { type: 'presence:announce' }, 'system');
    expect(events).toEqual([{ name: 'presence:changed', payload: { adminId: 'ada' } }]);
    expect({ ...state, rev: before.rev, presenceRev: before.presenceRev }).toEqual(before);
    expect(refusal(before, { type: 'presence:announce' }, member('ada'))).toBe(ErrorCode.FORBIDDEN);
  });
});

describe('admin election', () => {
  it('promotes the longest-present member at once when there is no grace period', () => {
    const { state, wakeups } = run(room(['Ada', 'Bob', 'Cy']), { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada'));
    expect(state.adminId).toBe('bob');
    expect(wakeups).toEqual([]);
  });

  it('holds the chair open for the grace period, then promotes the longest-present member', () => {
    const left = run(room(['Ada', 'Bob', 'Cy']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    expect(left.state.adminId).toBeNull();
    expect(left.wakeups).toEqual([{ at: 15_000, command: { type: 'admin:vacancy-expired', token: 'token-of-ada' } }]);
    const expired = run(left.state, left.wakeups[0]!.command, 'system', 15_000);
    expect(expired.state.adminId).toBe('bob');
    expect(expired.events[0]).toMatchObject({ name: 'presence:changed', payload: { adminId: 'bob' } });
  });

  it('gives the chair back to the admin who returns (same browser token) within the grace period', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    const back = run(left.state, joining('Ada'), member('ada-2'), 12_000);
    expect(back.state.adminId).toBe('ada-2');
    expect(back.state.vacancy).toBeNull();
    // The expiry that was scheduled changes nothing any more.
    expect(run(back.state, left.wakeups[0]!.command, 'system', 15_000).state.adminId).toBe('ada-2');
  });

  it('does not give the chair to a newcomer during the grace period', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    const joined = run(left.state, joining('Eve'), member('eve'), 11_000);
    expect(joined.state.adminId).toBeNull();
  });

  it('does not give the chair back after the grace period', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    const expired = run(left.state, left.wakeups[0]!.command, 'system', 15_000).state;
    const back = run(expired, joining('Ada'), member('ada-2'), 16_000);
    expect(back.state.adminId).toBe('bob');
  });

  it('ignores an expiry that comes early or for another token', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    expect(run(left.state, { type: 'admin:vacancy-expired', token: 'token-of-ada' }, 'system', 14_999).state.adminId).toBeNull();
    expect(run(left.state, { type: 'admin:vacancy-expired', token: 'other' }, 'system', 20_000).state.adminId).toBeNull();
  });

  it('promotes at once an admin without a browser token', () => {
    const state = run(room(['Ada']), joining('Bob', { token: null, personId: 'bob' }), member('bob')).state;
    const tokenless = { ...state, members: state.members.map((m) => ({ ...m, token: null })) };
    expect(run(tokenless, { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada')).state.adminId).toBe('bob');
  });

  it('leaves no admin in an empty room, and crowns the next arrival', () => {
    const empty = run(room(['Ada']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada')).state;
    expect(empty.adminId).toBeNull();
    expect(run(empty, joining('Bob', { token: null, personId: 'bob' }), member('bob')).state.adminId).toBe('bob');
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
    expect(events).toEqual([{ name: 'settings:updated', payload: { control: 'admin', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false } }]);
  });

  it('refuses a settings change by a non-admin', () => {
    expect(refusal(room(['Ada', 'Bob']), { type: 'room:configure', control: 'admin' }, member('bob'))).toBe(
      ErrorCode.NOT_ADMIN,
    );
  });
});

describe('usernames are unique in a room', () => {
  const nameOf = (state: RoomState, id: string): string | undefined => state.members.find((m) => m.id === id)?.name;

  it('numbers a name another person has, comparing without case', () => {
    const state = run(room(['Ada']), joining('ADA', { personId: 'person-other' }), member('ada-b')).state;
    expect(nameOf(state, 'ada-b')).toBe('ADA (2)');
  });

  it('takes the next free number', () => {
    let state = room(['Ada']);
    state = run(state, joining('Ada', { personId: 'p2' }), member('m2')).state;
    state = run(state, joining('ada', { personId: 'p3' }), member('m3')).state;
    expect(['ada', 'm2', 'm3'].map((id) => nameOf(state, id))).toEqual(['Ada', 'Ada (2)', 'ada (3)']);
  });

  it('frees a name when its holder leaves', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada')).state;
    expect(nameOf(run(left, joining('Ada', { personId: 'someone-else' }), member('new')).state, 'new')).toBe('Ada');
  });

  it('cuts the base so the numbered name still fits 32 characters', () => {
    const long = 'x'.repeat(USERNAME_MAX_LENGTH);
    let state = room([]);
    state = run(state, joining(long, { personId: 'p1' }), member('m1')).state;
    state = run(state, joining(long, { personId: 'p2' }), member('m2')).state;
    expect(nameOf(state, 'm2')).toBe(`${'x'.repeat(USERNAME_MAX_LENGTH - 4)} (2)`);
    expect(nameOf(state, 'm2')).toHaveLength(USERNAME_MAX_LENGTH);
  });

  it('never splits a character when cutting, nor leaves a space before the number', () => {
    const twice = (name: string): string | undefined => {
      let state = run(room([]), joining(name, { personId: 'p1' }), member('m1')).state;
      state = run(state, joining(name, { personId: 'p2' }), member('m2')).state;
      return nameOf(state, 'm2');
    };
    const base = 'a'.repeat(USERNAME_MAX_LENGTH - 5); // one short of the room " (2)" leaves
    expect(twice(`${base}😀bc`)).toBe(`${base} (2)`); // the emoji (two UTF-16 units) straddles the cut
    expect(twice(`${base} bcdef`)).toBe(`${base} (2)`);
  });

  it('lets the same person (another tab, a reload) keep the name', () => {
    const state = run(room(['Ada']), joining('Ada'), member('ada-2')).state;
    expect(nameOf(state, 'ada-2')).toBe('Ada');
  });

  it('carries each member’s person id in presence, never the token', () => {
    const { state } = run(room(['Ada']), joining('Bob', { token: null, personId: 'bob' }), member('bob'));
    expect(presenceOf(state).members.map((m) => m.personId)).toEqual(['person-ada', 'bob']);
    expect(JSON.stringify(presenceOf(state))).not.toContain('token-of');
  });
});

describe('admin claim: the password rule', () => {
  const PASSWORD = 'correct horse battery';
  const adminPassword = seal(PASSWORD);
  const claim = (password: string) => ({ type: 'admin:claim', password, adminPassword }) as const;
  const join = (name: string, who: Parameters<typeof joining>[1] = {}) =>
    joining(name, { adminRule: 'password', ...who });
  const leave = (graceMs: number) => ({ type: 'member:leave', graceMs, adminRule: 'password' }) as const;
  /** Ada and Bob joined under the password rule, one second apart. */
  const guarded = (): RoomState => {
    let state = run(room([]), join('Ada'), member('ada'), 1000).state;
    state = run(state, join('Bob'), member('bob'), 2000).state;
    return state;
  };

  it('makes nobody admin by arriving first', () => {
    const state = guarded();
    expect(state.adminId).toBeNull();
    expect(state.members.every((m) => !m.eligible)).toBe(true);
  });

  it('makes a member who proves the password admin, and says so in the chat', () => {
    const { state, events } = run(guarded(), claim(PASSWORD), member('bob'));
    expect(state.adminId).toBe('bob');
    expect(events).toContainEqual({ name: 'presence:changed', payload: { adminId: 'bob' } });
    expect(state.chat.at(-1)).toMatchObject({ kind: 'notice', notice: { type: 'admin', name: 'Bob' } });
  });

  it('refuses a wrong password with WRONG_PASSWORD and changes nothing', () => {
    const before = guarded();
    expect(refusal(before, claim('guess'), member('ada'))).toBe(ErrorCode.WRONG_PASSWORD);
    expect(refusal(before, claim(`${PASSWORD} `), member('ada'))).toBe(ErrorCode.WRONG_PASSWORD);
  });

  it('refuses a claim on a server without a password (first-come holds there)', () => {
    const firstCome = room(['Ada', 'Bob']);
    const command = { type: 'admin:claim', password: PASSWORD, adminPassword: null } as const;
    expect(refusal(firstCome, command, member('bob'))).toBe(ErrorCode.ADMIN_CLAIM_OFF);
  });

  it('refuses a claim from someone not in the room', () => {
    expect(refusal(guarded(), claim(PASSWORD), member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });

  it('lets a proven member take the chair from another proven admin', () => {
    let state = run(guarded(), claim(PASSWORD), member('ada')).state;
    state = run(state, claim(PASSWORD), member('bob')).state;
    expect(state.adminId).toBe('bob');
    expect(state.members.map((m) => m.eligible)).toEqual([true, true]);
  });

  it('counts the proof for the person’s other tabs too', () => {
    let state = run(guarded(), join('Ada'), member('ada-2'), 3000).state;
    state = run(state, claim(PASSWORD), member('ada')).state;
    expect(state.members.find((m) => m.id === 'ada-2')?.eligible).toBe(true);
    // A tab the proven person opens later is theirs too.
    state = run(state, join('Ada'), member('ada-3'), 4000).state;
    expect(state.members.find((m) => m.id === 'ada-3')?.eligible).toBe(true);
  });

  it('keeps the chair for the proven admin’s browser through the grace, also in an emptied room', () => {
    let state = run(guarded(), claim(PASSWORD), member('ada')).state;
    state = run(state, leave(5000), member('bob'), 100_000).state;
    const left = run(state, leave(5000), member('ada'), 100_000);
    expect(left.state.adminId).toBeNull();
    expect(left.state.vacancy).toMatchObject({ token: 'token-of-ada' });
    expect(left.wakeups).toHaveLength(1);
    // A stranger arriving in the empty room does not get it…
    state = run(left.state, join('Eve'), member('eve'), 101_000).state;
    expect(state.adminId).toBeNull();
    // …the same browser coming back within the grace does.
    state = run(state, join('Ada'), member('ada-2'), 102_000).state;
    expect(state.adminId).toBe('ada-2');
  });

  it('after the grace promotes only a proven member, the longest present first', () => {
    let state = run(room([]), join('Ada'), member('ada'), 1000).state;
    state = run(state, join('Bob'), member('bob'), 2000).state;
    state = run(state, join('Cy'), member('cy'), 3000).state;
    state = run(state, claim(PASSWORD), member('cy')).state;
    state = run(state, claim(PASSWORD), member('ada')).state; // Ada holds the chair, Cy proved it too
    const left = run(state, leave(5000), member('ada'), 200_000);
    const expired = run(left.state, left.wakeups[0]!.command, 'system', 205_000).state;
    expect(expired.adminId).toBe('cy'); // not Bob, who was there longer but never proved it
  });

  it('after the grace leaves the room without an admin when nobody proved the password', () => {
    const state = run(guarded(), claim(PASSWORD), member('ada')).state;
    const left = run(state, leave(5000), member('ada'), 200_000);
    const expired = run(left.state, left.wakeups[0]!.command, 'system', 205_000).state;
    expect(expired.adminId).toBeNull();
    expect(expired.vacancy).toBeNull();
    // A newcomer still does not get it; a claim does.
    const later = run(expired, join('Dee'), member('dee'), 206_000).state;
    expect(later.adminId).toBeNull();
    expect(run(later, claim(PASSWORD), member('dee')).state.adminId).toBe('dee');
  });

  it('hands an admin without a token to the next proven member at once, or to nobody', () => {
    let state = run(room([]), join('Ada', { token: null, personId: 'ada' }), member('ada'), 1000).state;
    state = run(state, join('Bob'), member('bob'), 2000).state;
    state = run(state, claim(PASSWORD), member('ada')).state;
    expect(run(state, leave(5000), member('ada'), 100_000).state.adminId).toBeNull();
    state = run(state, claim(PASSWORD), member('bob')).state;
    state = run(state, claim(PASSWORD), member('ada')).state;
    expect(run(state, leave(5000), member('ada'), 100_000).state.adminId).toBe('bob');
  });

  it('keeps the first-come rule for every role without a password', () => {
    // first member admin; the admin's leave promotes the longest present; a listener's leave changes nothing
    const state = room(['Ada', 'Bob', 'Cy']);
    expect(state.adminId).toBe('ada');
    expect(state.members.every((m) => m.eligible)).toBe(true);
    const adminGone = run(state, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada'));
    expect(adminGone.state.adminId).toBe('bob');
    const listenerGone = run(state, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('cy'));
    expect(listenerGone.state.adminId).toBe('ada');
  });
});

describe('room passcode', () => {
  const withPasscode = (code = 'open sesame'): RoomState =>
    run(room(['Ada', 'Bob']), { type: 'room:configure', passcode: seal(code) }, member('ada')).state;

  it('is set by the admin only', () => {
    expect(refusal(room(['Ada', 'Bob']), { type: 'room:configure', passcode: seal('x') }, member('bob'))).toBe(
      ErrorCode.NOT_ADMIN,
    );
    expect(withPasscode().passcode).not.toBeNull();
  });

  it('refuses a join without it (PASSCODE_REQUIRED) or with a wrong one (WRONG_PASSCODE)', () => {
    expect(refusal(withPasscode(), joining('Eve'), member('eve'))).toBe(ErrorCode.PASSCODE_REQUIRED);
    expect(refusal(withPasscode(), joining('Eve', { passcode: 'open sesame!' }), member('eve'))).toBe(
      ErrorCode.WRONG_PASSCODE,
    );
    expect(refusal(withPasscode(), joining('Eve', { passcode: 'Open sesame' }), member('eve'))).toBe(
      ErrorCode.WRONG_PASSCODE,
    );
  });

  it('admits a join with the right one', () => {
    const { state } = run(withPasscode(), joining('Eve', { passcode: 'open sesame' }), member('eve'));
    expect(state.members.map((m) => m.id)).toEqual(['ada', 'bob', 'eve']);
  });

  it('keeps the members already in, and admits another tab of a present person without it', () => {
    const state = withPasscode();
    expect(state.members.map((m) => m.id)).toEqual(['ada', 'bob']);
    expect(run(state, joining('Bob'), member('bob-2')).state.members).toHaveLength(3);
  });

  it('lets the admin come back within the grace without it', () => {
    const left = run(withPasscode(), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'));
    expect(run(left.state, joining('Ada'), member('ada-2'), 101_000).state.adminId).toBe('ada-2');
  });

  it('is taken away with null: anyone may join again', () => {
    const open = run(withPasscode(), { type: 'room:configure', passcode: null }, member('ada')).state;
    expect(open.passcode).toBeNull();
    expect(run(open, joining('Eve'), member('eve')).state.members).toHaveLength(3);
  });

  it('is never in a broadcast or the snapshot: only hasPasscode', () => {
    const { state, events } = run(room(['Ada']), { type: 'room:configure', passcode: seal('open sesame') }, member('ada'));
    expect(events).toEqual([
      {
        name: 'settings:updated',
        payload: { control: 'everyone', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: true },
      },
    ]);
    const snapshot = JSON.stringify(snapshotOf(state));
    expect(snapshotOf(state).settings.hasPasscode).toBe(true);
    expect(snapshot).not.toContain('open sesame');
    expect(snapshot).not.toContain(state.passcode!.digest);
    expect(snapshot).not.toContain(state.passcode!.salt);
  });

  it('changes nothing else when the settings change without it', () => {
    const before = withPasscode();
    const state = run(before, { type: 'room:configure', control: 'admin' }, member('ada')).state;
    expect(state.passcode).toBe(before.passcode);
    expect(refusal(state, joining('Eve'), member('eve'))).toBe(ErrorCode.PASSCODE_REQUIRED);
  });
});
