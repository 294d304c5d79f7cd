import { TestBed } from '@angular/core/testing';
import type { Playback } from '@musync/protocol';

import { FakeSocket, provideFakeSocket } from '../testing/fake-socket';
import { joinRoom, song } from '../testing/joined-room';
import { bindMediaSession } from './media-session';

/** The browser's navigator.mediaSession, which jsdom lacks. */
class FakeMediaSession {
  metadata: { title: string; artist: string; artwork: readonly { src: string }[] } | null = null;
  playbackState: MediaSessionPlaybackState = 'none';
  readonly handlers = new Map<MediaSessionAction, (() => void) | null>();
  position: MediaPositionState | null = null;

  setActionHandler(action: MediaSessionAction, handler: (() => void) | null): void {
    this.handlers.set(action, handler);
  }

  setPositionState(state: MediaPositionState): void {
    this.position = state;
  }

  press(action: MediaSessionAction): void {
    this.handlers.get(action)?.();
  }
}

class FakeMediaMetadata {
  constructor(readonly init: MediaMetadataInit) {
    Object.assign(this, init);
  }
}

const PLAYLIST = [song('a', { coverUrl: '/covers/a.jpg' }), song('b')];
const playing: Playback = { songId: 'a', status: 'playing', position: 12, anchor: 0, version: 2 };

describe('bindMediaSession', () => {
  let socket: FakeSocket;
  let mediaSession: FakeMediaSession;

  beforeEach(async () => {
    mediaSession = new FakeMediaSession();
    Object.defineProperty(navigator, 'mediaSession', { value: mediaSession, configurable: true });
    Object.defineProperty(globalThis, 'MediaMetadata', { value: FakeMediaMetadata, configurable: true });
    socket = new FakeSocket();
    TestBed.configureTestingModule({ providers: [provideFakeSocket(socket)] });
    await joinRoom(socket, { playlist: PLAYLIST, playback: playing });
    TestBed.runInInjectionContext(() => bindMediaSession());
    TestBed.tick();
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    Reflect.deleteProperty(navigator, 'mediaSession');
    Reflect.deleteProperty(globalThis, 'MediaMetadata');
  });

  it('shows the song on the system’s media controls', () => {
    expect(mediaSession.metadata).toMatchObject({ title: 'Song A', artist: 'Artist A', artwork: [{ src: '/covers/a.jpg' }] });
    expect(mediaSession.playbackState).toBe('playing');
    expect(mediaSession.position).toMatchObject({ duration: 185, playbackRate: 1 });
  });

  it('follows the room to the next song and to a pause', () => {
    socket.broadcast('playback:updated', { ...playing, songId: 'b', status: 'paused', version: 3 });
    TestBed.tick();
    expect(mediaSession.metadata?.title).toBe('Song B');
    expect(mediaSession.metadata?.artwork).toEqual([]);
    expect(mediaSession.playbackState).toBe('paused');
  });

  it('its buttons act like the player’s', () => {
    mediaSession.press('pause');
    mediaSession.press('play');
    mediaSession.press('nexttrack');
    mediaSession.press('previoustrack');
    mediaSession.press('seekforward');
    mediaSession.press('seekbackward');
    expect(socket.sent.map((s) => s.event).filter((e) => e.startsWith('playback:'))).toEqual([
      'playback:pause',
      'playback:play',
      'playback:next',
      'playback:previous',
      'playback:skip',
      'playback:skip',
    ]);
    expect(socket.sentPayloads('playback:next')).toEqual([{ fromSongId: 'a' }]);
    expect(socket.sentPayloads('playback:skip').map((s) => s.by)).toEqual([10, -10]);
  });

  it('lets go of the controls when the player goes away', () => {
    TestBed.resetTestingModule();
    expect([...mediaSession.handlers.values()].every((h) => h === null)).toBe(true);
    expect(mediaSession.metadata).toBeNull();
  });
});
