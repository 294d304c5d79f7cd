import { ErrorCode, type ChatLine, type ChatNotice } from '@musync/protocol';

import { linesAfter } from './chat.rules.js';
import { joining, member, refusal, room, run, song } from './room.spec-kit.js';
import type { RoomResult, RoomState } from './room.state.js';

const say = (text: string) => ({ type: 'chat:send', text }) as const;

/** The chat lines a command broadcast. */
function linesOf(result: RoomResult): ChatLine[] {
  return result.events.flatMap((e) => (e.name === 'chat:line' ? [e.payload] : []));
}

/** The notices a command added to the chat. */
function noticesOf(result: RoomResult): ChatNotice[] {
  return linesOf(result).flatMap((line) => (line.kind === 'notice' ? [line.notice] : []));
}

describe('chat messages', () => {
  it('adds the line to the room and tells everyone, with the sender’s person, name, badge and time', () => {
    const result = run(room(['Ada', 'Bob']), say('hello'), member('bob'), 123_456);
    const line = result.state.chat.at(-1);
    expect(line).toEqual({
      kind: 'message',
      id: expect.any(String),
      at: 123_456,
      personId: 'person-bob',
      name: 'Bob',
      admin: false,
      text: 'hello',
    });
    expect(result.events).toEqual([{ name: 'chat:line', payload: line }]);
  });

  it('marks the admin’s lines with the badge', () => {
    expect(run(room(['Ada', 'Bob']), say('welcome'), member('ada')).state.chat.at(-1)).toMatchObject({ admin: true });
  });

  it('keeps markup and invisible characters as plain text, unchanged', () => {
    const text = '<script>alert(1)</script><img src=x onerror=alert(1)> \u202egnp.exe a\u200bb';
    expect(run(room(['Ada']), say(text), member('ada')).state.chat.at(-1)).toMatchObject({ text });
  });

  it('refuses a line from someone not in the room, changing nothing', () => {
    expect(refusal(room(['Ada']), say('hi'), member('eve'))).toBe(ErrorCode.NOT_JOINED);
  });

  it('gives every line its own id, counting up', () => {
    let state: RoomState = room(['Ada']);
    for (const text of ['one', 'two', 'three']) state = run(state, say(text), member('ada')).state;
    const ids = state.chat.map((line) => Number(line.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
  });

  it('keeps only the last lines of the room’s history length, oldest first', () => {
    let state: RoomState = room(['Ada'], [], 3);
    for (let i = 1; i <= 5; i++) state = run(state, say(`line ${i}`), member('ada')).state;
    expect(state.chat.map((line) => (line.kind === 'message' ? line.text : '?'))).toEqual(['line 3', 'line 4', 'line 5']);
    expect(state.chat.at(-1)?.id).toBe(String(state.lineSeq));
  });
});

describe('notices in the chat', () => {
  it('announces a newcomer, and the first one as the admin', () => {
    expect(noticesOf(run(room([]), joining('Ada'), member('ada')))).toEqual([
      { type: 'joined', name: 'Ada' },
      { type: 'admin', name: 'Ada' },
    ]);
    expect(noticesOf(run(room(['Ada']), joining('Bob'), member('bob')))).toEqual([{ type: 'joined', name: 'Bob' }]);
  });

  it('announces someone leaving', () => {
    expect(noticesOf(run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('bob')))).toEqual([
      { type: 'left', name: 'Bob' },
    ]);
  });

  it('speaks of people, not tabs: a second tab of the same person neither joins nor leaves', () => {
    const twoTabs = run(room(['Ada', 'Bob']), joining('Bob'), member('bob-2'));
    expect(noticesOf(twoTabs)).toEqual([]);
    expect(noticesOf(run(twoTabs.state, { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('bob')))).toEqual([]);
  });

  it('announces the admin promoted at once when the admin leaves without a grace period', () => {
    expect(noticesOf(run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 0, adminRule: 'first-come' }, member('ada')))).toEqual([
      { type: 'left', name: 'Ada' },
      { type: 'admin', name: 'Bob' },
    ]);
  });

  it('announces the admin promoted after the grace period, not the vacancy itself', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    expect(noticesOf(left)).toEqual([{ type: 'left', name: 'Ada' }]);
    const promoted = run(left.state, left.wakeups[0]!.command, 'system', 15_000);
    expect(noticesOf(promoted)).toEqual([{ type: 'admin', name: 'Bob' }]);
    expect(promoted.state.chat.at(-1)).toMatchObject({ kind: 'notice', at: 15_000 });
  });

  it('does not announce an admin who reloads and takes the chair back', () => {
    const left = run(room(['Ada', 'Bob']), { type: 'member:leave', graceMs: 5000, adminRule: 'first-come' }, member('ada'), 10_000);
    const back = run(left.state, joining('Ada'), member('ada-2'), 11_000);
    expect(back.state.adminId).toBe('ada-2');
    expect(noticesOf(back)).toEqual([{ type: 'joined', name: 'Ada' }]);
  });

  it('announces songs added to and removed from the playlist', () => {
    const added = run(room(['Ada']), { type: 'playlist:add', song: song('x') }, member('ada'));
    expect(noticesOf(added)).toEqual([{ type: 'song-added', title: 'Song x' }]);
    const removed = run(added.state, { type: 'playlist:remove', songId: 'x' }, member('ada'));
    expect(noticesOf(removed)).toEqual([{ type: 'song-removed', title: 'Song x' }]);
  });

  it('adds nothing for a command that changes nothing', () => {
    const state = room(['Ada'], [song('x')]);
    expect(linesOf(run(state, { type: 'playlist:add', song: song('x') }, member('ada')))).toEqual([]);
  });
});

describe('linesAfter', () => {
  it('is the lines a change added, oldest first, past the history trim', () => {
    const before = run(room(['Ada']), say('one'), member('ada'), 1).state;
    const after = run(run(before, say('two'), member('ada'), 2).state, say('three'), member('ada'), 3).state;
    expect(linesAfter(after.chat, before.lineSeq).map((l) => (l.kind === 'message' ? l.text : null))).toEqual(['two', 'three']);
    expect(linesAfter(after.chat, after.lineSeq)).toEqual([]);
    expect(linesAfter([], 0)).toEqual([]);
  });
});
