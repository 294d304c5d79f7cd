import { CHAT_MESSAGE_MAX_LENGTH, ErrorCode, type ChatLine } from '@musync/protocol';

import { enter, nextEvent, record, request, RunningServer, song } from './harness.js';


const noticeOf = (line: ChatLine) => (line.kind === 'notice' ? line.notice : null);
const textOf = (line: ChatLine) => (line.kind === 'message' ? line.text : null);

describe('chat over real sockets', () => {
  let server: RunningServer;

  afterEach(async () => {
    await server.stop();
  });

  describe('with the default settings', () => {
    beforeEach(async () => {
      server = await RunningServer.start();
    });

    it('shows a message to everyone at once, with the sender’s name, admin badge and time', async () => {
      const ada = await enter(server, 'Ada');
      const bob = await enter(server, 'Bob');
      const atAda = nextEvent(ada.client, 'chat:line', (l) => l.kind === 'message');
      const atBob = nextEvent(bob.client, 'chat:line', (l) => l.kind === 'message');
      const before = Date.now();
      const ack = await request(bob.client, 'chat:send', { text: '  hello there  ' });
      expect(ack).toEqual({ ok: true, line: expect.objectContaining({ kind: 'message', text: 'hello there' }) });
      const line = (ack as unknown as { line: ChatLine }).line;
      expect(line).toMatchObject({ name: 'Bob', admin: false, personId: bob.joined.personId });
      expect(line.at).toBeGreaterThanOrEqual(before - 1000);
      expect(await atAda).toMatchObject(line); // the broadcast also carries its rev
      expect(await atBob).toMatchObject(line);

      const fromAdmin = nextEvent(bob.client, 'chat:line', (l) => l.kind === 'message');
      await request(ada.client, 'chat:send', { text: 'welcome' });
      expect(await fromAdmin).toMatchObject({ name: 'Ada', admin: true, text: 'welcome' });
    });

    it('gives a newcomer the recent history, messages and notices, oldest first', async () => {
      const ada = await enter(server, 'Ada');
      const bob = await enter(server, 'Bob');
      await request(ada.client, 'chat:send', { text: 'one' });
      await request(bob.client, 'chat:send', { text: 'two' });
      const cy = await enter(server, 'Cy');
      const history = cy.joined.chat;
      expect(history.map((l) => textOf(l) ?? noticeOf(l)?.type)).toEqual(['joined', 'admin', 'joined', 'one', 'two', 'joined']);
      expect(history.at(-1)).toMatchObject({ notice: { type: 'joined', name: 'Cy' } });
      expect(new Set(history.map((l) => l.id)).size).toBe(history.length);
    });

    it('says in the chat who joined, who left, who became admin, and which songs came and went', async () => {
      const ada = await enter(server, 'Ada');
      const bob = await enter(server, 'Bob');
      const lines = record(bob.client, 'chat:line');
      await server.seed('lobby', [song('one', 60, 'First Song')]);
      await request(ada.client, 'playlist:remove', { songId: 'one' });
      ada.client.disconnect(); // no browser token: Bob is promoted at once
      await nextEvent(bob.client, 'chat:line', (l) => noticeOf(l)?.type === 'admin');
      expect((await lines.stop(0)).map(noticeOf)).toEqual([
        { type: 'song-added', title: 'First Song' },
        { type: 'song-removed', title: 'First Song' },
        { type: 'left', name: 'Ada' },
        { type: 'admin', name: 'Bob' },
      ]);
    });

    it.each([
      ['an empty message', { text: '' }, ErrorCode.INVALID_PAYLOAD],
      ['a whitespace-only message', { text: ' \t  ' }, ErrorCode.INVALID_PAYLOAD],
      ['an over-length message', { text: 'x'.repeat(CHAT_MESSAGE_MAX_LENGTH + 1) }, ErrorCode.INVALID_PAYLOAD],
      ['a huge message', { text: 'x'.repeat(60_000) }, ErrorCode.INVALID_PAYLOAD],
      ['a number', { text: 42 }, ErrorCode.INVALID_PAYLOAD],
      ['an object', { text: { toString: 'hi' } }, ErrorCode.INVALID_PAYLOAD],
      ['a control character', { text: 'ring\u0007' }, ErrorCode.INVALID_PAYLOAD],
      ['a line break inside', { text: 'two\nlines' }, ErrorCode.INVALID_PAYLOAD],
      ['a NUL', { text: 'a\u0000b' }, ErrorCode.INVALID_PAYLOAD],
      ['a C1 control', { text: 'a\u0085b' }, ErrorCode.INVALID_PAYLOAD],
      ['no text', {}, ErrorCode.INVALID_PAYLOAD],
      ['an extra field', { text: 'hi', admin: true }, ErrorCode.INVALID_PAYLOAD],
      ['a bare string', 'hi', ErrorCode.INVALID_PAYLOAD],
      ['no payload', null, ErrorCode.INVALID_PAYLOAD],
    ])('refuses %s with a typed error and broadcasts nothing', async (_, payload, code) => {
      const ada = await enter(server, 'Ada');
      const bob = await enter(server, 'Bob');
      const heard = record(bob.client, 'chat:line');
      const ack = await request(ada.client, 'chat:send', payload);
      expect(ack).toEqual({ ok: false, error: { code, message: expect.any(String) } });
      expect(await heard.stop()).toEqual([]);
      // The room still chats, and the refused text is nowhere in it.
      const ok = await request(ada.client, 'chat:send', { text: 'still here' });
      expect(ok.ok).toBe(true);
      const late = await enter(server, 'Late');
      expect(late.joined.chat.filter((l) => l.kind === 'message').map(textOf)).toEqual(['still here']);
    });

    it('refuses a message from a connection that has not joined', async () => {
      const ada = await enter(server, 'Ada');
      const heard = record(ada.client, 'chat:line');
      const stranger = await server.connect();
      expect(await request(stranger, 'chat:send', { text: 'hi' })).toMatchObject({
        ok: false,
        error: { code: ErrorCode.NOT_JOINED },
      });
      expect(await heard.stop()).toEqual([]);
    });

    it('stores and sends markup, bidi overrides and zero-width characters as plain text', async () => {
      const ada = await enter(server, 'Ada');
      const bob = await enter(server, 'Bob');
      const texts = [
        '<script>alert("x")</script>',
        '<img src=x onerror="alert(1)">',
        'file\u202Egnp.exe',
        'zero\u200Bwidth\u200D joiner \u2067isolate\u2069 \u200Fmark',
        'see https://example.com/?a=<b>&c="d"',
      ];
      const heard = record(bob.client, 'chat:line');
      for (const text of texts) expect(await request(ada.client, 'chat:send', { text })).toMatchObject({ ok: true });
      expect((await heard.stop(100)).map(textOf)).toEqual(texts);
      expect((await enter(server, 'Late')).joined.chat.map(textOf).filter(Boolean)).toEqual(texts);
    });

    it('slows a flooding sender down with a typed error, broadcasting nothing and leaving the room unaffected', async () => {
      const ada = await enter(server, 'Ada');
      const bob = await enter(server, 'Bob');
      const fifth = nextEvent(bob.client, 'chat:line', (l) => textOf(l) === 'm5');
      for (let i = 1; i <= 5; i++) expect((await request(ada.client, 'chat:send', { text: `m${i}` })).ok).toBe(true);
      await fifth;
      const heard = record(bob.client, 'chat:line');
      const refused = await request(ada.client, 'chat:send', { text: 'one too many' });
      expect(refused).toEqual({ ok: false, error: { code: ErrorCode.RATE_LIMITED, message: expect.stringMatching(/slow down.*messages/i) } });
      expect(await heard.stop()).toEqual([]);
      // Others chat on; the flooder's playback buttons are not affected either.
      expect((await request(bob.client, 'chat:send', { text: 'calm' })).ok).toBe(true);
      expect(await request(ada.client, 'time:ping', { t0: 1 })).toMatchObject({ ok: true });
    });

    it('gives every name once per room: a taken name gets a number; the join ack says which', async () => {
      const first = await enter(server, 'Ada');
      const second = await enter(server, 'ada');
      expect(first.joined.name).toBe('Ada');
      expect(second.joined.name).toBe('ada (2)');
      expect(second.joined.presence.members.map((m) => m.name)).toEqual(['Ada', 'ada (2)']);
      expect(second.joined.chat.at(-1)).toMatchObject({ notice: { type: 'joined', name: 'ada (2)' } });
    });

    it('knows a person again by their browser token, without ever sending the token', async () => {
      const token = 'ada-browser-token-0001';
      const tab1 = await enter(server, 'Ada', { clientToken: token });
      const tab2 = await enter(server, 'Ada', { clientToken: token });
      const other = await enter(server, 'Bob');
      expect(tab2.joined.personId).toBe(tab1.joined.personId);
      expect(tab2.joined.name).toBe('Ada'); // the same person keeps the name
      expect(other.joined.personId).not.toBe(tab1.joined.personId);
      expect(JSON.stringify(other.joined)).not.toContain(token);
      expect(other.joined.presence.members.map((m) => m.personId)).toEqual([
        tab1.joined.personId,
        tab1.joined.personId,
        other.joined.personId,
      ]);
    });
  });

  describe('with its own settings', () => {
    it('keeps CHAT_HISTORY lines for newcomers', async () => {
      server = await RunningServer.start({ CHAT_HISTORY: '3' });
      const ada = await enter(server, 'Ada');
      for (const text of ['a', 'b', 'c', 'd']) await request(ada.client, 'chat:send', { text });
      const late = await enter(server, 'Late');
      expect(late.joined.chat.map((l) => textOf(l) ?? noticeOf(l)?.type)).toEqual(['c', 'd', 'joined']);
    });

    it('allows CHAT_RATE_MESSAGES per CHAT_RATE_WINDOW_MS, and more once time has passed', async () => {
      server = await RunningServer.start({ CHAT_RATE_MESSAGES: '2', CHAT_RATE_WINDOW_MS: '400' });
      const ada = await enter(server, 'Ada');
      const send = async (text: string): Promise<string> => {
        const ack = await request(ada.client, 'chat:send', { text });
        return ack.ok ? 'ok' : ack.error.code;
      };
      expect([await send('1'), await send('2'), await send('3')]).toEqual(['ok', 'ok', ErrorCode.RATE_LIMITED]);
      await new Promise((resolve) => setTimeout(resolve, 250)); // refills 2 per 400 ms
      expect(await send('4')).toBe('ok');
    });
  });
});
