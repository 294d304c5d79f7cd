import { TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, message, notice, type RoomSetup } from '../testing/joined-room';
import { Rendered } from '../testing/rendered';
import { ChatPanel } from './chat-panel';

const fromGrace = (id: string, text: string) => message(id, text, { personId: 'p-grace', name: 'Grace', admin: true });

describe('ChatPanel', () => {
  let socket: FakeSocket;
  let view: Rendered<ChatPanel>;

  async function render(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, { me: ADA, admin: GRACE, ...setup });
    view = new Rendered(ChatPanel);
    await view.stable();
  }

  const lines = (): HTMLElement[] => view.allByTestId('chat-line');
  const texts = (): (string | null | undefined)[] => lines().map((l) => view.byTestId('chat-text', l)?.textContent);
  const input = (): HTMLInputElement => view.byTestId<HTMLInputElement>('chat-input')!;
  const sendButton = (): HTMLButtonElement => view.byTestId<HTMLButtonElement>('chat-send')!;

  async function type(text: string): Promise<void> {
    input().value = text;
    input().dispatchEvent(new Event('input'));
    await view.stable();
  }

  /** Enter in a text field submits its form (the browser's implicit submission). */
  async function pressEnter(): Promise<void> {
    input().form?.requestSubmit();
    await view.afterAnswers();
  }

  function serverTakesLines(): void {
    let n = 0;
    socket.answer('chat:send', ({ text }, ack) => {
      const line = message(`sent-${++n}`, text);
      socket.broadcast('chat:line', line);
      ack({ ok: true, line });
    });
  }

  /**
   * jsdom lays nothing out: give the log a 100 px window onto 20 px lines, so
   * scrolling (and being scrolled by the panel) can be seen.
   */
  function layOut(): { log: HTMLElement; scrollUp: () => Promise<void>; atBottom: () => boolean } {
    const log = view.root.querySelector<HTMLElement>('[role="log"]')!;
    let top = 0;
    const height = (): number => log.children.length * 20;
    Object.defineProperty(log, 'clientHeight', { configurable: true, get: () => 100 });
    Object.defineProperty(log, 'scrollHeight', { configurable: true, get: height });
    Object.defineProperty(log, 'scrollTop', {
      configurable: true,
      get: () => top,
      set: (value: number) => (top = Math.max(0, Math.min(value, height() - 100))),
    });
    return {
      log,
      scrollUp: async () => {
        top = 0;
        log.dispatchEvent(new Event('scroll'));
        await view.stable();
      },
      atBottom: () => top === Math.max(0, height() - 100),
    };
  }

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  describe('the lines', () => {
    it('show the history from the join: name, admin badge, time and text, and notices worded', async () => {
      await render({
        chat: [notice('l1', { type: 'joined', name: 'Ada' }), fromGrace('l2', 'Welcome, Ada'), message('l3', 'Thanks!')],
      });
      const [joined, grace, ada] = lines();
      expect(lines().map((l) => l.dataset['kind'])).toEqual(['notice', 'message', 'message']);
      expect(texts()).toEqual(['Ada joined', 'Welcome, Ada', 'Thanks!']);
      expect(view.byTestId('chat-author', joined!)).toBeNull();
      expect(view.byTestId('chat-author', grace!)?.textContent).toBe('Grace');
      expect(view.byTestId('chat-admin-badge', grace!)?.textContent).toBe('admin');
      expect(view.byTestId('chat-admin-badge', ada!)).toBeNull();
      const time = view.byTestId('chat-time', grace!)!;
      expect(time.tagName).toBe('TIME');
      expect(time.getAttribute('datetime')).toBe('2023-11-14T22:13:20.000Z');
      expect(time.textContent).toMatch(/\d{1,2}:\d{2}/);
      expect(ada?.classList).toContain('mine');
    });

    it('are a polite live log, so screen readers announce new lines', async () => {
      await render();
      const log = view.root.querySelector('[role="log"]');
      expect(log?.getAttribute('aria-live')).toBe('polite');
      expect(log?.getAttribute('aria-labelledby')).toBe('chat-heading');
      expect(view.byTestId('chat-panel')).not.toBeNull();
      expect(view.root.textContent).toContain('No messages yet.');
    });

    it('appear for everyone as they are broadcast', async () => {
      await render();
      socket.broadcast('chat:line', fromGrace('g1', 'anyone here?'));
      socket.broadcast('chat:line', notice('n1', { type: 'skipped', title: 'Song A', votes: 2 }));
      await view.stable();
      expect(texts()).toEqual(['anyone here?', '"Song A" was skipped by 2 votes']);
    });

    it('render markup people type as inert text, isolated in <bdi>', async () => {
      const tricks = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '<b>bold</b> &amp; \u202Eevil'];
      await render({ chat: tricks.map((text, i) => message(`x${i}`, text, { name: '<img src=y onerror=alert(2)>', personId: 'p-x' })) });
      expect(texts()).toEqual(tricks);
      expect(lines().map((l) => view.byTestId('chat-author', l)?.textContent)).toEqual(Array(3).fill('<img src=y onerror=alert(2)>'));
      expect(view.root.querySelector('img, script, b')).toBeNull();
      for (const line of lines()) {
        expect(view.byTestId('chat-text', line)?.tagName).toBe('BDI');
        expect(view.byTestId('chat-author', line)?.firstElementChild?.tagName).toBe('BDI');
      }
    });
  });

  describe('the composer', () => {
    it('has a label, and a limit of 500 characters with a counter near it', async () => {
      await render();
      expect(view.root.querySelector(`label[for="${input().id}"]`)?.textContent).toBe('Message');
      expect(input().maxLength).toBe(500);
      await type('x'.repeat(449));
      expect(view.byTestId('chat-counter')).toBeNull();
      await type('x'.repeat(470));
      expect(view.byTestId('chat-counter')?.textContent).toBe('470/500');
    });

    it('cannot send an empty or blank line', async () => {
      await render();
      expect(sendButton().disabled).toBe(true);
      await type('   ');
      expect(sendButton().disabled).toBe(true);
      await pressEnter();
      expect(socket.sentPayloads('chat:send')).toEqual([]);
      await type(' hi ');
      expect(sendButton().disabled).toBe(false);
    });

    it('sends on Enter, empties the box and shows the line', async () => {
      await render();
      serverTakesLines();
      await type('hello room');
      await pressEnter();
      expect(socket.sentPayloads('chat:send')).toEqual([{ text: 'hello room' }]);
      expect(input().value).toBe('');
      expect(texts()).toEqual(['hello room']);
      expect(document.activeElement).toBe(input());
    });

    it('sends with the button too', async () => {
      await render();
      serverTakesLines();
      await type('by click');
      sendButton().click();
      await view.afterAnswers();
      expect(texts()).toEqual(['by click']);
    });

    it("shows the server's refusal where the line was typed, and keeps the line", async () => {
      await render();
      socket.answer('chat:send', (_, ack) =>
        ack({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down: 5 messages in 5 seconds at most.' } }),
      );
      await type('again');
      await pressEnter();
      const error = view.byTestId('chat-error');
      expect(error?.getAttribute('role')).toBe('alert');
      expect(error?.textContent).toBe('Slow down: 5 messages in 5 seconds at most.');
      expect(input().getAttribute('aria-describedby')).toBe(error?.id);
      expect(input().value).toBe('again');
      expect(lines()).toEqual([]);

      serverTakesLines();
      await pressEnter();
      expect(view.byTestId('chat-error')).toBeNull();
    });
  });

  describe('scrolling', () => {
    const history = Array.from({ length: 10 }, (_, i) => fromGrace(`h${i}`, `line ${i}`));

    /** Renders ten lines of history, scrolls up to the first and lets one new line arrive. */
    async function readingBackWhenOneArrives(): Promise<ReturnType<typeof layOut>> {
      await render({ chat: history });
      const scroll = layOut();
      await scroll.scrollUp();
      socket.broadcast('chat:line', fromGrace('n1', 'one'));
      await view.stable();
      return scroll;
    }

    it('follows new lines while the reader is at the bottom', async () => {
      await render({ chat: history });
      const scroll = layOut();
      socket.broadcast('chat:line', fromGrace('n1', 'new'));
      await view.stable();
      expect(scroll.atBottom()).toBe(true);
      expect(scroll.log.scrollTop).toBe(11 * 20 - 100);
      expect(view.byTestId('chat-unread')).toBeNull();
    });

    it('stays put when the reader scrolled up, and counts what arrived', async () => {
      const scroll = await readingBackWhenOneArrives();
      expect(scroll.log.scrollTop).toBe(0);
      expect(view.byTestId('chat-unread')?.textContent).toContain('1 new message');

      socket.broadcast('chat:line', notice('n2', { type: 'left', name: 'Bob' }));
      await view.stable();
      expect(view.byTestId('chat-unread')?.textContent).toContain('2 new messages');
    });

    it('jumps down to the newest line from the marker, which then goes', async () => {
      const scroll = await readingBackWhenOneArrives();
      view.byTestId('chat-unread')?.click();
      await view.stable();
      expect(scroll.atBottom()).toBe(true);
      expect(view.byTestId('chat-unread')).toBeNull();

      // Following again: the next line scrolls into view by itself.
      socket.broadcast('chat:line', fromGrace('n2', 'two'));
      await view.stable();
      expect(scroll.atBottom()).toBe(true);
      expect(view.byTestId('chat-unread')).toBeNull();
    });

    it('clears the marker when the reader scrolls down by hand', async () => {
      const scroll = await readingBackWhenOneArrives();
      scroll.log.scrollTop = 10_000;
      scroll.log.dispatchEvent(new Event('scroll'));
      await view.stable();
      expect(view.byTestId('chat-unread')).toBeNull();
    });

    it('brings the reader down to their own new line even when scrolled up', async () => {
      const scroll = await readingBackWhenOneArrives();
      serverTakesLines();
      await type('me too');
      await pressEnter();
      expect(scroll.atBottom()).toBe(true);
      expect(view.byTestId('chat-unread')).toBeNull();
    });
  });
});
