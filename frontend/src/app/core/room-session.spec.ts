import { TestBed } from '@angular/core/testing';
import {
  CLIENT_TOKEN_PATTERN,
  PRESENCE_GAP_MS,
  type JoinRequest,
  type JoinResult,
  type Playback,
  type Presence,
  type Song,
} from '@musync/protocol';

import { FakeSocket, provideFakeSocket, QUIET_ROOM, quietJoin } from '../testing/fake-socket';
import { message, notice, songRequest } from '../testing/joined-room';
import { CHAT_LINES_KEPT, RoomSession } from './room-session';

const presenceWith = (...names: string[]): Presence => ({
  roomId: 'lobby',
  members: names.map((name, i) => ({ id: `m-${name}`, personId: `p-${name}`, name, joinedAt: 1000 + i })),
  adminId: names.length > 0 ? `m-${names[0]}` : null,
});

const song = (id: string): Song => ({
  id,
  title: `Song ${id}`,
  artist: null,
  album: null,
  duration: 180,
  url: `/media/${id}`,
  coverUrl: null,
});
const playback = (version: number, change: Partial<Playback> = {}): Playback => ({
  songId: 'a',
  status: 'playing',
  position: 0,
  anchor: 1_000_000,
  version,
  ...change,
});

/** Lets pending promise callbacks (the acks) run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

describe('RoomSession', () => {
  let socket: FakeSocket;
  let session: RoomSession;

  /** A server that admits everyone, as member `m-<name>`. */
  function serverAdmits(): void {
    socket.answer('room:join', ({ username }, ack) => ack(quietJoin(`m-${username}`, presenceWith('Grace', username))));
  }

  beforeEach(() => {
    localStorage.clear();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    session = TestBed.inject(RoomSession);
  });

  it('shows the server message and stays out of the room when the join is refused', async () => {
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) =>
      ack({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'username holds control or invisible characters' } }),
    );

    session.join('lobby', 'Ada');
    expect(session.joining()).toBe(true);
    await settle();

    expect(session.joinError()).toBe('username holds control or invisible characters');
    expect(session.joined()).toBe(false);
    expect(session.memberId()).toBeNull();
    expect(session.presence()).toBeNull();
    expect(session.joining()).toBe(false);
    expect(localStorage.getItem('musync.username')).toBeNull();
  });

  it('enters the room with the member id and presence from the ack', async () => {
    socket.serverAccepts();
    serverAdmits();

    session.join('lobby', 'Ada');
    await settle();

    expect(session.joined()).toBe(true);
    expect(session.memberId()).toBe('m-Ada');
    expect(session.presence()).toEqual(presenceWith('Grace', 'Ada'));
    expect(session.joinError()).toBeNull();
    expect(session.joining()).toBe(false);
    expect(localStorage.getItem('musync.username')).toBe('Ada');
  });

  it('knows its person id and the name the server gave, which may carry a number', async () => {
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) =>
      ack({ ...quietJoin('m-Ada', presenceWith('Ada', 'Ada (2)')), memberId: 'm-Ada (2)', personId: 'p-2', name: 'Ada (2)' }),
    );
    session.join('lobby', 'Ada');
    await settle();

    expect(session.personId()).toBe('p-2');
    expect(session.name()).toBe('Ada (2)');
    // The prompt offers what the person typed, not the numbered name.
    expect(localStorage.getItem('musync.username')).toBe('Ada');
  });

  it('sends the client token kept in localStorage for later visits', async () => {
    socket.serverAccepts();
    serverAdmits();
    session.join('lobby', 'Ada');
    await settle();

    const [request] = socket.sentPayloads('room:join');
    expect(request).toMatchObject({ roomId: 'lobby', username: 'Ada' });
    expect(request?.clientToken).toMatch(CLIENT_TOKEN_PATTERN);
    expect(localStorage.getItem('musync.clientToken')).toBe(request?.clientToken);
  });

  it('prefills the name this browser joined with last time', () => {
    localStorage.setItem('musync.username', 'Ada');
    TestBed.resetTestingModule();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(new FakeSocket())] });
    expect(TestBed.inject(RoomSession).lastUsername).toBe('Ada');
  });

  it('follows presence deltas for its room', async () => {
    socket.serverAccepts();
    serverAdmits();
    session.join('lobby', 'Ada');
    await settle();

    const linus = presenceWith('Grace', 'Ada', 'Linus').members[2]!;
    socket.broadcast('presence:joined', { member: linus, adminId: 'm-Grace' });
    expect(session.presence()).toEqual(presenceWith('Grace', 'Ada', 'Linus'));
    socket.broadcast('presence:left', { memberId: 'm-Grace', adminId: 'm-Ada' });
    expect(session.presence()?.members.map((m) => m.name)).toEqual(['Ada', 'Linus']);
    expect(session.presence()?.adminId).toBe('m-Ada');
  });

  it('takes a batch of joins as it takes each alone: presence, notices and the vote count in order', async () => {
    socket.serverAccepts();
    serverAdmits();
    session.join('lobby', 'Ada');
    await settle();

    const everyone = presenceWith('Grace', 'Ada', 'Linus', 'Mia');
    socket.batch(() => {
      for (const member of everyone.members.slice(2)) {
        socket.broadcast('presence:joined', { member, adminId: 'm-Grace' });
        socket.broadcast('chat:line', notice(`n-${member.name}`, { type: 'joined', name: member.name }));
        socket.broadcast('skip:updated', { songId: null, voterIds: [], needed: everyone.members.indexOf(member) });
      }
    });
    expect(session.presence()).toEqual(everyone);
    expect(session.chat().map((l) => l.id)).toEqual(['n-Linus', 'n-Mia']);
    expect(session.skip()).toEqual({ songId: null, voterIds: [], needed: 3 });
  });

  describe('revisions: broadcasts from two nodes can cross', () => {
    async function joinAt(rev: number): Promise<void> {
      socket.serverAccepts();
      socket.rev = rev;
      socket.answer('room:join', ({ username }, ack) =>
        ack({ ...quietJoin(`m-${username}`, presenceWith('Grace', username)), rev }),
      );
      session.join('lobby', 'Ada');
      await settle();
    }

    it('ignores an update older than the one it shows, part by part', async () => {
      await joinAt(3);
      socket.broadcast('playlist:updated', { songs: [song('a'), song('b')], rev: 6 });
      socket.broadcast('requests:updated', { requests: [], rev: 5 });
      socket.broadcast('playlist:updated', { songs: [song('a')], rev: 5 });
      expect(session.playlist().map((s) => s.id)).toEqual(['a', 'b']);
      socket.broadcast('settings:updated', { ...QUIET_ROOM.settings, control: 'admin', rev: 8 });
      socket.broadcast('settings:updated', { ...QUIET_ROOM.settings, control: 'everyone', rev: 7 });
      expect(session.settings()?.control).toBe('admin');
      expect(session.settings()).not.toHaveProperty('rev');
    });

    it('ignores a broadcast older than the join snapshot', async () => {
      await joinAt(10);
      socket.broadcast('playlist:updated', { songs: [song('stale')], rev: 9 });
      socket.broadcast('skip:updated', { songId: 'x', voterIds: ['p-Grace'], needed: 2, rev: 9 });
      expect(session.playlist()).toEqual([]);
      expect(session.skip()).toEqual(QUIET_ROOM.skip);
    });

    it('takes the broadcasts that overtook the join answer once the snapshot is in, if newer', async () => {
      socket.serverAccepts();
      socket.answer('room:join', ({ username }, ack) => {
        socket.broadcast('playlist:updated', { songs: [song('old')], rev: 4 });
        socket.broadcast('requests:updated', { requests: [songRequest('r1')], rev: 6 });
        ack({ ...quietJoin(`m-${username}`, presenceWith('Grace', username)), rev: 5 });
      });
      session.join('lobby', 'Ada');
      await settle();
      expect(session.playlist()).toEqual([]);
      expect(session.requests().map((r) => r.id)).toEqual(['r1']);
    });

    it('holds a presence delta that arrives before the one it follows, then applies both in order', async () => {
      await joinAt(2);
      const linus = presenceWith('Grace', 'Ada', 'Linus').members[2]!;
      socket.broadcast('presence:left', { memberId: linus.id, adminId: 'm-Grace', since: 4, rev: 5 });
      expect(session.presence()?.members.map((m) => m.name)).toEqual(['Grace', 'Ada']);
      socket.broadcast('presence:joined', { member: linus, adminId: 'm-Grace', since: 2, rev: 4 });
      expect(session.presence()?.members.map((m) => m.name)).toEqual(['Grace', 'Ada']);
      expect(socket.sentPayloads('room:snapshot')).toEqual([]);
    });

    it('asks for a snapshot when a missing presence delta has not come within a second', async () => {
      await joinAt(2);
      const everyone = presenceWith('Grace', 'Ada', 'Linus', 'Mia');
      socket.answer('room:snapshot', (_, ack) =>
        ack({ ok: true, ...QUIET_ROOM, rev: 7, presence: presenceWith('Grace', 'Ada', 'Linus') }),
      );
      // Linus's arrival (rev 6) is lost; Mia's (since 6) arrives.
      socket.broadcast('presence:joined', { member: everyone.members[3]!, adminId: 'm-Grace', since: 6, rev: 8 });
      await new Promise((resolve) => setTimeout(resolve, PRESENCE_GAP_MS + 100));
      expect(socket.sentPayloads('room:snapshot')).toEqual([{}]);
      expect(session.presence()).toEqual(everyone);
    });

    it('orders chat lines that cross by their id, each once', async () => {
      await joinAt(1);
      socket.broadcast('chat:line', message('3', 'third'));
      socket.broadcast('chat:line', message('2', 'second'));
      socket.broadcast('chat:line', message('3', 'third'));
      expect(session.chat().map((l) => l.id)).toEqual(['2', '3']);
    });
  });

  it('waits for the connection before joining', async () => {
    serverAdmits();
    session.join('lobby', 'Ada');
    expect(socket.sent).toEqual([]);
    expect(session.joining()).toBe(true);

    socket.serverAccepts();
    await settle();
    expect(session.memberId()).toBe('m-Ada');
  });

  it('joins again with the same name and token after a reconnect', async () => {
    socket.serverAccepts();
    serverAdmits();
    session.join('lobby', 'Ada');
    await settle();

    socket.connectionLost();
    expect(session.joined()).toBe(true); // the panel stays while reconnecting
    socket.answer('room:join', (_, ack) => ack({ ...quietJoin('m-Ada', presenceWith('Ada')), memberId: 'm-Ada-2' }));
    socket.serverAccepts();
    await settle();

    const [first, second] = socket.sentPayloads('room:join') as [JoinRequest, JoinRequest];
    expect(second).toEqual(first);
    expect(session.memberId()).toBe('m-Ada-2');
    expect(session.presence()).toEqual(presenceWith('Ada'));
  });

  it('joins a passcode room again with the passcode after a reconnect, and keeps it nowhere else', async () => {
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) => ack({ ...quietJoin('m-Ada', presenceWith('Ada')), adminClaimable: true }));
    session.join('lobby', 'Ada', 'open sesame');
    await settle();
    expect(session.adminClaimable()).toBe(true);

    socket.connectionLost();
    socket.serverAccepts();
    await settle();
    expect(socket.sentPayloads('room:join').map((p) => (p as JoinRequest).passcode)).toEqual(['open sesame', 'open sesame']);
    const stored = [...Object.values({ ...localStorage }), ...Object.values({ ...sessionStorage })];
    expect(stored.join()).not.toContain('open sesame');
  });

  it('keeps the code of a refused join for the form (a passcode is needed)', async () => {
    socket.serverAccepts();
    socket.answer('room:join', (_, ack) =>
      ack({ ok: false, error: { code: 'PASSCODE_REQUIRED', message: 'This room needs a passcode.' } }),
    );
    session.join('lobby', 'Ada');
    await settle();
    expect(session.joinErrorCode()).toBe('PASSCODE_REQUIRED');
    expect(session.joined()).toBe(false);
  });

  it('does not join on reconnect if it never joined', async () => {
    socket.serverAccepts();
    socket.connectionLost();
    socket.serverAccepts();
    await settle();
    expect(socket.sent).toEqual([]);
  });

  it('retries a join cut off by a dropped connection on the next connect', async () => {
    socket.serverAccepts();
    session.join('lobby', 'Ada'); // the server never answers this one
    socket.connectionLost();
    await settle();
    expect(session.joinError()).toBeNull();
    expect(session.joining()).toBe(true);

    serverAdmits();
    socket.serverAccepts();
    await settle();
    expect(session.memberId()).toBe('m-Ada');
  });
  describe('the room snapshot', () => {
    async function joinInto(version: number): Promise<void> {
      socket.serverAccepts();
      socket.answer('room:join', (_, ack) =>
        ack({
          ok: true,
          ...QUIET_ROOM,
          memberId: 'm-Ada',
          personId: 'p-Ada',
          name: 'Ada',
          adminClaimable: false,
          presence: presenceWith('Ada'),
          playlist: [song('a'), song('b')],
          playback: playback(version),
          settings: { control: 'admin', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false },
        }),
      );
      session.join('lobby', 'Ada');
      await settle();
    }

    it('keeps the playlist, playback and settings from the join ack', async () => {
      await joinInto(7);
      expect(session.playlist().map((s) => s.id)).toEqual(['a', 'b']);
      expect(session.playback()).toEqual(playback(7));
      expect(session.settings()).toEqual({ control: 'admin', skipThreshold: 'majority', addSongs: 'admin', waitForCopies: false, hasPasscode: false });
    });

    it('follows playlist, playback and settings broadcasts', async () => {
      await joinInto(7);
      socket.broadcast('playlist:updated', { songs: [song('b')] });
      socket.broadcast('playback:updated', playback(8, { status: 'paused', position: 3 }));
      socket.broadcast('settings:updated', { control: 'everyone', skipThreshold: 3, addSongs: 'admin', waitForCopies: false, hasPasscode: false });
      expect(session.playlist().map((s) => s.id)).toEqual(['b']);
      expect(session.playback()).toEqual(playback(8, { status: 'paused', position: 3 }));
      expect(session.settings()).toEqual({ control: 'everyone', skipThreshold: 3, addSongs: 'admin', waitForCopies: false, hasPasscode: false });
    });

    it('keeps the newer playback when an older one arrives late (a crossed ack)', async () => {
      await joinInto(7);
      session.applyPlayback(playback(9, { position: 9 }));
      session.applyPlayback(playback(8, { position: 8 }));
      expect(session.playback()?.version).toBe(9);
    });

    it('takes a rejoin snapshot whole, even with a lower version (the room was recreated)', async () => {
      await joinInto(7);
      socket.connectionLost();
      socket.answer('room:join', (_, ack) => ack({ ...quietJoin('m-Ada', presenceWith('Ada')), memberId: 'm-Ada-2' }));
      socket.serverAccepts();
      await settle();
      expect(session.playback()?.version).toBe(0);
      expect(session.playlist()).toEqual([]);
    });

    it('tells listeners synchronously, inside the socket event, when playback changes', async () => {
      await joinInto(7);
      const seen: (number | undefined)[] = [];
      session.changes.subscribe(() => seen.push(session.playback()?.version));
      socket.broadcast('playback:updated', playback(8));
      expect(seen).toEqual([8]);
    });

    it('ignores room broadcasts before joining', () => {
      socket.serverAccepts();
      socket.broadcast('playback:updated', playback(3));
      socket.broadcast('playlist:updated', { songs: [song('a')] });
      expect(session.playback()).toBeNull();
      expect(session.playlist()).toEqual([]);
    });

    it('forgets the room when a join is refused', async () => {
      socket.serverAccepts();
      socket.answer('room:join', (_, ack) => ack({ ok: false, error: { code: 'INVALID_PAYLOAD', message: 'no' } }));
      session.join('lobby', 'Ada');
      await settle();
      expect(session.playback()).toBeNull();
      expect(session.settings()).toBeNull();
    });
  });

  describe('chat, requests and the vote to skip', () => {
    const voting = { songId: 'a', voterIds: ['p-grace'], needed: 2 };

    async function joinWith(change: Partial<JoinResult>): Promise<void> {
      socket.serverAccepts();
      socket.answer('room:join', (_, ack) => ack({ ...quietJoin('m-Ada', presenceWith('Ada')), ...change }));
      session.join('lobby', 'Ada');
      await settle();
    }

    it('keeps the recent chat, the requests and the skip votes from the join ack', async () => {
      const history = [notice('l1', { type: 'joined', name: 'Grace' }), message('l2', 'hi')];
      const requests = [songRequest('r1', { voterIds: ['p-x'] }), songRequest('r2')];
      await joinWith({ chat: history, requests, skip: voting });
      expect(session.chat()).toEqual(history);
      expect(session.requests()).toEqual(requests);
      expect(session.skip()).toEqual(voting);
    });

    it('appends broadcast chat lines, once each, keeping the newest CHAT_LINES_KEPT', async () => {
      await joinWith({ chat: [message('l0', 'first')] });
      socket.broadcast('chat:line', message('l1', 'second'));
      // The sender's ack and the broadcast carry the same line.
      session.applyChatLine(message('l1', 'second'));
      socket.broadcast('chat:line', message('l1', 'second'));
      expect(session.chat().map((l) => l.id)).toEqual(['l0', 'l1']);

      for (let i = 2; i < CHAT_LINES_KEPT + 5; i++) socket.broadcast('chat:line', message(`l${i}`, `line ${i}`));
      expect(session.chat()).toHaveLength(CHAT_LINES_KEPT);
      expect(session.chat()[0]?.id).toBe('l5');
      expect(session.chat().at(-1)?.id).toBe(`l${CHAT_LINES_KEPT + 4}`);
    });

    it('replaces the requests and the skip votes with each broadcast', async () => {
      await joinWith({ requests: [songRequest('r1')], skip: voting });
      socket.broadcast('requests:updated', { requests: [songRequest('r2'), songRequest('r1', { status: 'approved' })] });
      socket.broadcast('skip:updated', { songId: 'b', voterIds: [], needed: 3 });
      expect(session.requests().map((r) => [r.id, r.status])).toEqual([
        ['r2', 'pending'],
        ['r1', 'approved'],
      ]);
      expect(session.skip()).toEqual({ songId: 'b', voterIds: [], needed: 3 });
    });

    it('takes its own vote ack only when it adds to what the broadcasts said', async () => {
      await joinWith({ skip: voting });
      session.applySkipVote({ songId: 'a', voterIds: ['p-grace', 'p-Ada'], needed: 2 });
      expect(session.skip()?.voterIds).toEqual(['p-grace', 'p-Ada']);

      // The song moved on before the ack of a vote for the old one arrived.
      socket.broadcast('skip:updated', { songId: 'b', voterIds: [], needed: 2 });
      session.applySkipVote({ songId: 'a', voterIds: ['p-grace', 'p-Ada', 'p-x'], needed: 2 });
      expect(session.skip()).toEqual({ songId: 'b', voterIds: [], needed: 2 });
    });

    it('ignores them before joining, and a rejoin replaces the chat with the new history', async () => {
      socket.serverAccepts();
      socket.broadcast('chat:line', message('early', 'too soon'));
      socket.broadcast('requests:updated', { requests: [songRequest('r1')] });
      expect(session.chat()).toEqual([]);
      expect(session.requests()).toEqual([]);
      expect(session.skip()).toBeNull();

      socket.answer('room:join', (_, ack) => ack({ ...quietJoin('m-Ada', presenceWith('Ada')), chat: [message('l1', 'a')] }));
      session.join('lobby', 'Ada');
      await settle();
      socket.broadcast('chat:line', message('l2', 'b'));
      socket.connectionLost();
      socket.answer('room:join', (_, ack) =>
        ack({ ...quietJoin('m-Ada', presenceWith('Ada')), chat: [message('l1', 'a'), message('l2', 'b'), message('l3', 'c')] }),
      );
      socket.serverAccepts();
      await settle();
      expect(session.chat().map((l) => l.id)).toEqual(['l1', 'l2', 'l3']);
    });
  });
});
