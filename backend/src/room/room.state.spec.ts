import { applyPresenceDelta, presenceView, receivePresence, type PresenceDelta } from '@musync/protocol';

import { joining, member, refusal, room, song } from './room.spec-kit.js';
import { apply, presenceOf, snapshotOf, type Actor, type RoomCommand, type RoomEvent, type RoomState } from './room.state.js';

const run = (state: RoomState, command: RoomCommand, actor: Actor) => apply(state, command, actor, 100_000);

/** The presence deltas among `events`, as a client takes them. */
function deltas(events: readonly RoomEvent[]): PresenceDelta[] {
  return events.flatMap((e): PresenceDelta[] => {
    if (e.name === 'presence:joined') return [{ kind: 'joined', ...e.payload }];
    if (e.name === 'presence:left') return [{ kind: 'left', ...e.payload }];
    if (e.name === 'presence:changed') return [{ kind: 'changed', ...e.payload }];
    return [];
  });
}

describe('room revision', () => {
  it('bumps once per applied change, and every broadcast of the change carries it', () => {
    const before = room(['Ada', 'Bob'], [song('a')]);
    const { state, events } = run(before, { type: 'playlist:add', song: song('b') }, 'system');
    expect(state.rev).toBe(before.rev + 1);
    expect(events.length).toBeGreaterThan(1); // the playlist and a chat notice at least
    for (const event of events) expect(event.payload.rev).toBe(state.rev);
    expect(snapshotOf(state).rev).toBe(state.rev);
  });

  it('keeps the revision when a command changes nothing or is refused', () => {
    const before = room(['Ada', 'Bob'], [song('a')]);
    expect(run(before, { type: 'playback:next', fromSongId: 'not-on' }, member('bob')).state.rev).toBe(before.rev);
    expect(refusal(before, { type: 'playlist:remove', songId: 'a' }, member('bob'))).toBeDefined();
  });

  it('chains presence deltas through other changes, so a client can rebuild the list from any snapshot', () => {
    let state = room(['Ada']);
    const snapshot = snapshotOf(state);
    const sent: PresenceDelta[] = [];
    const steps = [
      { command: joining('Bob'), actor: member('bob') },
      { command: { type: 'chat:send' as const, text: 'hi' }, actor: member('bob') },
      { command: joining('Cy'), actor: member('cy') },
      { command: { type: 'room:configure' as const, control: 'admin' as const }, actor: member('ada') },
      { command: { type: 'member:leave' as const, graceMs: 0, adminRule: 'first-come' as const }, actor: member('ada') },
    ];
    for (const { command, actor } of steps) {
      const result = run(state, command, actor);
      sent.push(...deltas(result.events));
      state = result.state;
    }
    // Delivered newest first: each waits for the one before it, then all apply.
    let view = presenceView(snapshot.presence, snapshot.rev);
    for (const delta of [...sent].reverse()) view = receivePresence(view, delta);
    expect(view.pending).toEqual([]);
    expect(view.presence).toEqual(presenceOf(state));
    expect(view.rev).toBe(state.presenceRev);
    // Each delta names the presence change before it.
    expect(sent.map((d) => d.since)).toEqual([snapshot.rev, ...sent.slice(0, -1).map((d) => d.rev)]);
    expect(applyPresenceDelta(snapshot.presence, sent[0]!).members.map((m) => m.id)).toEqual(['ada', 'bob']);
  });
});
