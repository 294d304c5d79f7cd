import { type ComponentFixture, TestBed } from '@angular/core/testing';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, message, notice, type RoomSetup } from '../testing/joined-room';
import { ChatPanel } from './chat-panel';

/** Lets pending promise callbacks (the acks) run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const fromGrace = (id: string, text: string) => message(id, text, { personId: 'p-grace', name: 'Grace', admin: true });

describe('ChatPanel', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<ChatPanel>;
  let root: HTMLElement;

  async function render(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, { me: ADA, admin: GRACE, ...setup });
    fixture = TestBed.createComponent(ChatPanel);
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  async function refresh(): Promise<void> {
    await settle();
    await fixture.whenStable();
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(testId: string, within: ParentNode = root): T | null =>
    within.querySelector<T>(`[data-testid="${testId}"]`);
  const lines = (): HTMLElement[] => [...root.querySelectorAll<HTMLElement>('[data-testid="chat-line"]')];
  const texts = (): (string | null | undefined)[] => lines().map((l) => byTestId('chat-text', l)?.textContent);
  const input = (): HTMLInputElement => byTestId<HTMLInputElement>('chat-input')!;
  const sendButton = (): HTMLButtonElement => byTestId<HTMLButtonElement>('chat-send')!;

  async function type(text: string): Promise<void> {
    input().value = text;
    input().dispatchEvent(new Event('input'));
    await fixture.whenStable();
  }

  /** Enter in a text field submits its form (the browser's implicit submission). */
  async function pressEnter(): Promise<void> {
    input().form?.requestSubmit();
    await refresh();
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
    const log = root.querySelector<HTMLElement>('[role="log"]')!;
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
        await fixture.whenStable();
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
      expect(byTestId('chat-author', joined!)).toBeNull();
      expect(byTestId('chat-author', grace!)?.textContent).toBe('Grace');
      expect(byTestId('chat-admin-badge', grace!)?.textContent).toBe('admin');
      expect(byTestId('chat-admin-badge', ada!)).toBeNull();
      const time = byTestId('chat-time', grace!)!;
      expect(time.tagName).toBe('TIME');
      expect(time.getAttribute('datetime')).toBe('2023-11-14T22:13:20.000Z');
      expect(time.textContent).toMatch(/\d{1,2}:\d{2}/);
      expect(ada?.classList).toContain('mine');
    });

    it('are a polite live log, so screen readers announce new lines', async () => {
      await render();
      const log = root.querySelector('[role="log"]');
      expect(log?.getAttribute('aria-live')).toBe('polite');
      expect(log?.getAttribute('aria-labelledby')).toBe('chat-heading');
      expect(byTestId('chat-panel')).not.toBeNull();
      expect(root.textContent).toContain('No messages yet.');
    });

    it('appear for everyone as they are broadcast', async () => {
      await render();
      socket.broadcast('chat:line', fromGrace('g1', 'anyone here?'));
      socket.broadcast('chat:line', notice('n1', { type: 'skipped', title: 'Song A', votes: 2 }));
      await fixture.whenStable();
      expect(texts()).toEqual(['anyone here?', '"Song A" was skipped by 2 votes']);
    });

    it('render markup people type as inert text, isolated in <bdi>', async () => {
      const tricks = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '<b>bold</b> &amp; \u202Eevil'];
      await render({ chat: tricks.map((text, i) => message(`x${i}`, text, { name: '<img src=y onerror=alert(2)>', personId: 'p-x' })) });
      expect(texts()).toEqual(tricks);
      expect(lines().map((l) => byTestId('chat-author', l)?.textContent)).toEqual(Array(3).fill('<img src=y onerror=alert(2)>'));
      expect(root.querySelector('img, script, b')).toBeNull();
      for (const line of lines()) {
        expect(byTestId('chat-text', line)?.tagName).toBe('BDI');
        expect(byTestId('chat-author', line)?.firstElementChild?.tagName).toBe('BDI');
      }
    });
  });

  describe('the composer', () => {
    it('has a label, and a limit of 500 characters with a counter near it', async () => {
      await render();
      expect(root.querySelector(`label[for="${input().id}"]`)?.textContent).toBe('Message');
      expect(input().maxLength).toBe(500);
      await type('x'.repeat(449));
      expect(byTestId('chat-counter')).toBeNull();
      await type('x'.repeat(470));
      expect(byTestId('chat-counter')?.textContent).toBe('470/500');
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
      await refresh();
      expect(texts()).toEqual(['by click']);
    });

    it("shows the server's refusal where the line was typed, and keeps the line", async () => {
      await render();
      socket.answer('chat:send', (_, ack) =>
        ack({ ok: false, error: { code: 'RATE_LIMITED', message: 'Slow down: 5 messages in 5 seconds at most.' } }),
      );
      await type('again');
      await pressEnter();
      const error = byTestId('chat-error');
      expect(error?.getAttribute('role')).toBe('alert');
      expect(error?.textContent).toBe('Slow down: 5 messages in 5 seconds at most.');
      expect(input().getAttribute('aria-describedby')).toBe(error?.id);
      expect(input().value).toBe('again');
      expect(lines()).toEqual([]);

      serverTakesLines();
      await pressEnter();
      expect(byTestId('chat-error')).toBeNull();
    });
  });

  describe('scrolling', () => {
    const history = Array.from({ length: 10 }, (_, i) => fromGrace(`h${i}`, `line ${i}`));

    it('follows new lines while the reader is at the bottom', async () => {
      await render({ chat: history });
      const view = layOut();
      socket.broadcast('chat:line', fromGrace('n1', 'new'));
      await fixture.whenStable();
      expect(view.atBottom()).toBe(true);
      expect(view.log.scrollTop).toBe(11 * 20 - 100);
      expect(byTestId('chat-unread')).toBeNull();
    });

    it('stays put when the reader scrolled up, and counts what arrived', async () => {
      await render({ chat: history });
      const view = layOut();
      await view.scrollUp();
      socket.broadcast('chat:line', fromGrace('n1', 'one'));
      await fixture.whenStable();
      expect(view.log.scrollTop).toBe(0);
      expect(byTestId('chat-unread')?.textContent).toContain('1 new message');

      socket.broadcast('chat:line', notice('n2', { type: 'left', name: 'Bob' }));
      await fixture.whenStable();
      expect(byTestId('chat-unread')?.textContent).toContain('2 new messages');
    });

    it('jumps down to the newest line from the marker, which then goes', async () => {
      await render({ chat: history });
      const view = layOut();
      await view.scrollUp();
      socket.broadcast('chat:line', fromGrace('n1', 'one'));
      await fixture.whenStable();

      byTestId('chat-unread')?.click();
      await fixture.whenStable();
      expect(view.atBottom()).toBe(true);
      expect(byTestId('chat-unread')).toBeNull();

      // Following again: the next line scrolls into view by itself.
      socket.broadcast('chat:line', fromGrace('n2', 'two'));
      await fixture.whenStable();
      expect(view.atBottom()).toBe(true);
      expect(byTestId('chat-unread')).toBeNull();
    });

    it('clears the marker when the reader scrolls down by hand', async () => {
      await render({ chat: history });
      const view = layOut();
      await view.scrollUp();
      socket.broadcast('chat:line', fromGrace('n1', 'one'));
      await fixture.whenStable();
      view.log.scrollTop = 10_000;
      view.log.dispatchEvent(new Event('scroll'));
      await fixture.whenStable();
      expect(byTestId('chat-unread')).toBeNull();
    });

    it("brings the reader down to their own new line even when scrolled up", async () => {
      await render({ chat: history });
      const view = layOut();
      await view.scrollUp();
      serverTakesLines();
      await type('me too');
      await pressEnter();
      expect(view.atBottom()).toBe(true);
      expect(byTestId('chat-unread')).toBeNull();
    });
  });
});
