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

  it('in an admin-only room, a listener cannot pick a song', async () => {
    await render({ me: ADA, admin: GRACE, control: 'admin' });
    expect(items().every((i) => i.disabled)).toBe(true);
    items()[0]?.click();
    expect(socket.sentPayloads('playback:select')).toEqual([]);
  });
});
