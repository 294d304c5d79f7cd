import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { Playback } from '@musync/protocol';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { ADA, GRACE, joinRoom, song, type RoomSetup } from '../testing/joined-room';
import { PlaylistPanel } from './playlist-panel';

const PLAYLIST = [song('a', { duration: 30 }), song('b', { duration: 245.7 }), song('c', { duration: 3725, artist: null })];
const playingB: Playback = { songId: 'b', status: 'playing', position: 0, anchor: 0, version: 3 };

describe('PlaylistPanel', () => {
  let socket: FakeSocket;
  let fixture: ComponentFixture<PlaylistPanel>;
  let root: HTMLElement;

  async function render(setup: RoomSetup = {}): Promise<void> {
    await joinRoom(socket, { playlist: PLAYLIST, playback: playingB, ...setup });
    fixture = TestBed.createComponent(PlaylistPanel);
    root = fixture.nativeElement as HTMLElement;
    await fixture.whenStable();
  }

  const items = (): HTMLButtonElement[] => [...root.querySelectorAll<HTMLButtonElement>('[data-testid="playlist-item"]')];

  beforeEach(() => {
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
  });

  it('lists the songs in order with their durations', async () => {
    await render();
    expect(items().map((i) => i.dataset['songId'])).toEqual(['a', 'b', 'c']);
    expect(items().map((i) => i.querySelector('.title')?.textContent)).toEqual(['Song A', 'Song B', 'Song C']);
    expect(items().map((i) => i.querySelector('.duration')?.textContent)).toEqual(['0:30', '4:05', '1:02:05']);
    expect(items()[2]?.querySelector('.artist')?.textContent).toBe('Unknown artist');
    expect(root.querySelector('[data-testid="playlist-count"]')?.textContent).toBe('3 songs');
  });

  it('marks the song that is on, and only that one', async () => {
    await render();
    const [a, b, c] = items();
    expect(b?.dataset['playing']).toBe('true');
    expect(b?.querySelector('[data-testid="now-playing"]')).not.toBeNull();
    expect(b?.getAttribute('aria-current')).toBe('true');
    for (const other of [a, c]) {
      expect(other?.hasAttribute('data-playing')).toBe(false);
      expect(other?.querySelector('[data-testid="now-playing"]')).toBeNull();
    }
  });

  it('moves the mark when the room changes song', async () => {
    await render();
    socket.broadcast('playback:updated', { ...playingB, songId: 'c', status: 'loading', version: 4 });
    await fixture.whenStable();
    expect(items().find((i) => i.dataset['playing'] === 'true')?.dataset['songId']).toBe('c');
  });

  it('plays a song when it is clicked', async () => {
    await render();
    items()[2]?.click();
    expect(socket.sentPayloads('playback:select')).toEqual([{ songId: 'c' }]);
  });

  it('follows playlist changes', async () => {
    await render();
    socket.broadcast('playlist:updated', { songs: [PLAYLIST[1]!] });
    await fixture.whenStable();
    expect(items().map((i) => i.dataset['songId'])).toEqual(['b']);
    expect(root.querySelector('[data-testid="playlist-count"]')?.textContent).toBe('1 song');
  });

  it('says so when there are no songs yet', async () => {
    await render({ playlist: [], playback: { ...playingB, songId: null, status: 'paused' } });
    expect(items()).toEqual([]);
    expect(root.textContent).toContain('No songs yet.');
  });

  it('tells the admin of an empty room how to add songs, and everyone else to request one', async () => {
    const empty = { playlist: [], playback: { ...playingB, songId: null, status: 'paused' as const } };
    await render({ ...empty, me: ADA, admin: ADA });
    expect(root.querySelector('[data-testid="playlist-empty"]')?.textContent).toContain('Add songs');
    TestBed.resetTestingModule();
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    await render({ ...empty, me: ADA, admin: GRACE });
    expect(root.querySelector('[data-testid="playlist-empty"]')?.textContent).toContain('Ask for one in Requests');
  });

  describe('removing a song', () => {
    const removeButton = (songId: string): HTMLButtonElement | null =>
      root.querySelector<HTMLButtonElement>(`[data-song-id="${songId}"] ~ [data-testid="playlist-remove"]`);
    const byTestId = (testId: string): HTMLButtonElement | null =>
      root.querySelector<HTMLButtonElement>(`[data-testid="${testId}"]`);

    async function askToRemove(songId: string): Promise<void> {
      removeButton(songId)?.click();
      await fixture.whenStable();
    }

    it('gives the admin a remove button per song, named after it', async () => {
      await render();
      const buttons = [...root.querySelectorAll('[data-testid="playlist-remove"]')];
      expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(['Remove Song A', 'Remove Song B', 'Remove Song C']);
    });

    it('gives a listener none', async () => {
      await render({ me: ADA, admin: GRACE });
      expect(root.querySelector('[data-testid="playlist-remove"]')).toBeNull();
    });

    it('asks first, then removes the song for everyone when confirmed', async () => {
      await render();
      socket.answer('playlist:remove', (_, ack) => ack({ ok: true }));
      await askToRemove('b');
      expect(socket.sentPayloads('playlist:remove')).toEqual([]);
      expect(root.querySelector('.confirm')?.textContent).toContain('Remove “Song B” for everyone?');
      expect(document.activeElement).toBe(byTestId('playlist-remove-cancel'));

      byTestId('playlist-remove-confirm')?.click();
      await fixture.whenStable();
      expect(socket.sentPayloads('playlist:remove')).toEqual([{ songId: 'b' }]);
      expect(byTestId('playlist-remove-confirm')).toBeNull();

      socket.broadcast('playlist:updated', { songs: [PLAYLIST[0]!, PLAYLIST[2]!] });
      await fixture.whenStable();
      expect(items().map((i) => i.dataset['songId'])).toEqual(['a', 'c']);
    });

    it('never plays the song it removes', async () => {
      await render();
      socket.answer('playlist:remove', (_, ack) => ack({ ok: true }));
      await askToRemove('c');
      byTestId('playlist-remove-confirm')?.click();
      await fixture.whenStable();
      expect(socket.sentPayloads('playback:select')).toEqual([]);
    });

    it('keeps the song when the admin says Keep, and gives focus back', async () => {
      await render();
      await askToRemove('a');
      byTestId('playlist-remove-cancel')?.click();
      await fixture.whenStable();
      expect(byTestId('playlist-remove-confirm')).toBeNull();
      expect(document.activeElement).toBe(removeButton('a'));
      expect(socket.sentPayloads('playlist:remove')).toEqual([]);
    });

    it('keeps the song when the admin presses Escape', async () => {
      await render();
      await askToRemove('a');
      byTestId('playlist-remove-cancel')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      await fixture.whenStable();
      expect(byTestId('playlist-remove-confirm')).toBeNull();
      expect(socket.sentPayloads('playlist:remove')).toEqual([]);
    });

    it("shows the server's refusal on the song's row", async () => {
      await render();
      socket.answer('playlist:remove', (_, ack) =>
        ack({ ok: false, error: { code: 'NOT_ADMIN', message: 'Only the admin can remove songs.' } }),
      );
      await askToRemove('b');
      byTestId('playlist-remove-confirm')?.click();
      await fixture.whenStable();

      const error = root.querySelector('[data-testid="playlist-remove-error"]');
      expect(error?.getAttribute('role')).toBe('alert');
      expect(error?.textContent).toBe('Only the admin can remove songs.');
      expect(error?.closest('li')?.querySelector('[data-testid="playlist-item"]')?.getAttribute('data-song-id')).toBe('b');
      expect(items()).toHaveLength(3);
    });
  });

  it('in an admin-only room, a listener cannot pick a song', async () => {
    await render({ me: ADA, admin: GRACE, control: 'admin' });
    expect(items().every((i) => i.disabled)).toBe(true);
    items()[0]?.click();
    expect(socket.sentPayloads('playback:select')).toEqual([]);
  });

  describe('reordering', () => {
    const handles = (): HTMLButtonElement[] => [...root.querySelectorAll<HTMLButtonElement>('[data-testid="playlist-move"]')];
    const key = (element: HTMLElement | undefined, name: string): void => {
      element?.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true }));
    };

    it('gives only the admin a handle per song, named with its place', async () => {
      await render({ me: ADA, admin: GRACE });
      expect(handles()).toEqual([]);
      TestBed.resetTestingModule();
      socket = new FakeSocket();
      TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
      await render({ me: ADA, admin: ADA });
      expect(handles().map((h) => h.getAttribute('aria-label'))).toEqual(['Move Song A, place 1 of 3', 'Move Song B, place 2 of 3', 'Move Song C, place 3 of 3']);
    });

    it('moves a song with ↑/↓/Home/End on its handle, announces it, and keeps the handle focused', async () => {
      await render({ me: ADA, admin: ADA });
      socket.answer('playlist:move', (_, ack) => ack({ ok: true }));
      handles()[0]?.focus();
      key(handles()[0], 'ArrowDown');
      key(handles()[0], 'ArrowUp'); // already at the top: nothing to send
      key(handles()[2], 'Home');
      key(handles()[1], 'End');
      expect(socket.sentPayloads('playlist:move')).toEqual([
        { songId: 'a', toIndex: 1 },
        { songId: 'c', toIndex: 0 },
        { songId: 'b', toIndex: 2 },
      ]);
      await new Promise((resolve) => setTimeout(resolve, 0));
      socket.broadcast('playlist:updated', { songs: [PLAYLIST[1]!, PLAYLIST[0]!, PLAYLIST[2]!] });
      await fixture.whenStable();
      expect(items().map((i) => i.dataset['songId'])).toEqual(['b', 'a', 'c']);
      expect(document.activeElement?.getAttribute('data-song-id')).toBe('b');
      expect(root.querySelector('[data-testid="playlist-moved"]')?.getAttribute('aria-live')).toBe('polite');
      expect(root.querySelector('[data-testid="playlist-moved"]')?.textContent).toMatch(/moved to place \d of 3/);
    });

    it('drops a dragged song on another row', async () => {
      await render({ me: ADA, admin: ADA });
      socket.answer('playlist:move', (_, ack) => ack({ ok: true }));
      const drag = (type: string, target: Element | undefined): void => {
        const event = new Event(type, { bubbles: true, cancelable: true });
        Object.defineProperty(event, 'dataTransfer', { value: { setData: () => undefined, effectAllowed: '', dropEffect: '' } });
        target?.dispatchEvent(event);
      };
      const entries = [...root.querySelectorAll('[data-testid="playlist-entry"]')];
      drag('dragstart', handles()[2]);
      drag('dragover', entries[0]);
      drag('drop', entries[0]);
      expect(socket.sentPayloads('playlist:move')).toEqual([{ songId: 'c', toIndex: 0 }]);
    });

    it('shows a refused move at the song', async () => {
      await render({ me: ADA, admin: ADA });
      socket.answer('playlist:move', (_, ack) => ack({ ok: false, error: { code: 'NOT_ADMIN', message: 'Only the admin can reorder the playlist.' } }));
      key(handles()[1], 'ArrowDown');
      await new Promise((resolve) => setTimeout(resolve, 0));
      await fixture.whenStable();
      const error = root.querySelector('[data-testid="playlist-move-error"]');
      expect(error?.textContent).toBe('Only the admin can reorder the playlist.');
      expect(error?.closest('li')?.querySelector('[data-testid="playlist-item"]')?.getAttribute('data-song-id')).toBe('b');
    });
  });
});
