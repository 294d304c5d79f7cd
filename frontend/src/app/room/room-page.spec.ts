import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { DEFAULT_ROOM_ID } from '@musync/protocol';

import { routes } from '../app.routes';
import { FakeSocket, provideFakeSocket, quietJoin } from '../testing/fake-socket';
import { RoomPage } from './room-page';

describe('RoomPage', () => {
  let socket: FakeSocket;

  async function open(url: string): Promise<HTMLElement> {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, RoomPage);
    return harness.routeNativeElement as HTMLElement;
  }

  /** Opens `url` and joins with `name` typed into the prompt. */
  async function openAndJoin(url: string, name: string): Promise<HTMLElement> {
    const harness = await RouterTestingHarness.create();
    await harness.navigateByUrl(url, RoomPage);
    const root = harness.routeNativeElement as HTMLElement;
    const input = byTestId(root, 'username-input') as HTMLInputElement;
    input.value = name;
    input.dispatchEvent(new Event('input'));
    byTestId(root, 'join-button')?.click();
    await harness.fixture.whenStable();
    return root;
  }

  const byTestId = (root: HTMLElement, testId: string): HTMLElement | null =>
    root.querySelector<HTMLElement>(`[data-testid="${testId}"]`);

  beforeEach(() => {
    localStorage.clear();
    socket = new FakeSocket();
    TestBed.configureTestingModule({
      providers: [provideFakeSocket(socket), provideRouter(routes, withComponentInputBinding())],
    });
  });

  it('opens the default room at /', async () => {
    const root = await open('/');
    expect(byTestId(root, 'room-id')?.textContent).toBe(DEFAULT_ROOM_ID);
    expect(byTestId(root, 'username-input')).not.toBeNull();
    expect(byTestId(root, 'connection-status')).not.toBeNull();
  });

  it('opens the room named in /r/:room', async () => {
    const root = await open('/r/jazz-night_2');
    expect(byTestId(root, 'room-id')?.textContent).toBe('jazz-night_2');
  });

  it('shows the name the server gave, numbered when it was taken', async () => {
    socket.serverAccepts();
    socket.answer('room:join', ({ roomId }, ack) =>
      ack({
        ...quietJoin('m-2', { roomId, members: [{ id: 'm-2', personId: 'p-2', name: 'Ada (2)', joinedAt: 1 }], adminId: 'm-2' }),
        name: 'Ada (2)',
      }),
    );
    const root = await openAndJoin('/r/jazz', 'Ada');
    expect(byTestId(root, 'my-name')?.textContent).toBe('Ada (2)');
    expect(byTestId(root, 'my-name')?.tagName).toBe('BDI');
  });

  it('explains an invalid room id instead of offering to join', async () => {
    const root = await open('/r/not.a.room');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('room id may only hold letters');
    expect(byTestId(root, 'username-input')).toBeNull();
  });

  it('joins the room from the URL and then shows who is there', async () => {
    socket.serverAccepts();
    socket.answer('room:join', ({ roomId, username }, ack) =>
      ack(quietJoin('m-1', { roomId, members: [{ id: 'm-1', personId: 'p-1', name: username, joinedAt: 1 }], adminId: 'm-1' })),
    );
    const root = await openAndJoin('/r/jazz', 'Ada');

    expect(socket.sentPayloads('room:join')).toEqual([expect.objectContaining({ roomId: 'jazz', username: 'Ada' })]);
    expect(byTestId(root, 'username-input')).toBeNull();
    expect(byTestId(root, 'people-count')?.textContent).toBe('1 person');
    expect(byTestId(root, 'you-marker')).not.toBeNull();
    expect(byTestId(root, 'player-title')?.textContent).toBe('Nothing playing');
    expect(byTestId(root, 'playlist-count')?.textContent).toBe('0 songs');
    // Alone in the room, Ada is its admin.
    expect(byTestId(root, 'upload-panel')).not.toBeNull();
    expect(byTestId(root, 'chat-panel')).not.toBeNull();
    expect(byTestId(root, 'requests-panel')).not.toBeNull();
    expect(byTestId(root, 'my-name')?.textContent).toBe('Ada');
  });

  describe('on a phone', () => {
    beforeEach(() => {
      window.matchMedia = ((query: string) => ({ media: query, matches: query.includes('48rem'), addEventListener: () => undefined })) as unknown as typeof window.matchMedia;
      socket.serverAccepts();
      socket.answer('room:join', ({ roomId, username }, ack) =>
        ack(quietJoin('m-1', { roomId, members: [{ id: 'm-1', personId: 'p-1', name: username, joinedAt: 1 }], adminId: 'm-1' })),
      );
    });

    afterEach(() => {
      delete (window as { matchMedia?: unknown }).matchMedia;
    });

    const panel = (root: HTMLElement, id: string): HTMLElement => root.querySelector<HTMLElement>(`#panel-${id}`)!;

    it('shows one panel at a time under tabs, moved along with the arrow keys', async () => {
      const root = await openAndJoin('/r/jazz', 'Ada');
      const tabs = [...root.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
      expect(tabs.map((tab) => tab.textContent?.trim())).toEqual(['Playlist', 'Chat', 'Requests', 'People']);
      expect(tabs[0]?.getAttribute('aria-selected')).toBe('true');
      expect(panel(root, 'playlist').hidden).toBe(false);
      expect(panel(root, 'chat').hidden).toBe(true);

      tabs[0]?.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(panel(root, 'chat').hidden).toBe(false);
      expect(panel(root, 'playlist').hidden).toBe(true);
      expect(document.activeElement?.id).toBe('tab-chat');
    });

    it('counts and reads out messages that arrive while another tab is open, until the chat is opened', async () => {
      const root = await openAndJoin('/r/jazz', 'Ada');
      const line = (id: string, text: string) => ({ id, kind: 'message' as const, personId: 'p-9', name: 'Bob', admin: false, text, at: 5 });
      socket.broadcast('chat:line', line('l-1', 'hello'));
      socket.broadcast('chat:line', line('l-2', 'anyone there?'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(byTestId(root, 'tab-chat-unseen')?.textContent).toBe('2 new');
      expect(byTestId(root, 'unseen-chat-announcement')?.textContent).toBe('New chat message from Bob: anyone there?');

      byTestId(root, 'tab-chat')?.click();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(byTestId(root, 'tab-chat-unseen')).toBeNull();
      byTestId(root, 'tab-people')?.click();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(byTestId(root, 'tab-chat-unseen')).toBeNull();
    });

    it('“/” opens the chat and puts the cursor in its box', async () => {
      const root = await openAndJoin('/r/jazz', 'Ada');
      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: '/', bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(panel(root, 'chat').hidden).toBe(false);
      expect(document.activeElement?.id).toBe('chat-input');
    });
  });
});
