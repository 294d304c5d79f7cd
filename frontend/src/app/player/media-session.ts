import { DOCUMENT, DestroyRef, effect, inject, untracked } from '@angular/core';

import { PlaybackStore } from './playback-store';

/**
 * Mirrors the room's song into the operating system's media controls (lock
 * screen, headset buttons, keyboard media keys), whose buttons then act like the
 * player's. Call in an injection context; undone when that context is destroyed.
 */
export function bindMediaSession(): void {
  const mediaSession = inject(DOCUMENT).defaultView?.navigator.mediaSession;
  if (!mediaSession) return;
  const store = inject(PlaybackStore);
  const actions: readonly (readonly [MediaSessionAction, () => void])[] = [
    ['play', () => store.play()],
    ['pause', () => store.pause()],
    ['nexttrack', () => store.next()],
    ['previoustrack', () => store.previous()],
    ['seekbackward', () => store.back10()],
    ['seekforward', () => store.forward10()],
  ];
  for (const [action, handler] of actions) setHandler(mediaSession, action, handler);

  effect(() => {
    const song = store.song();
    mediaSession.metadata =
      song && typeof MediaMetadata !== 'undefined'
        ? new MediaMetadata({
            title: song.title,
            artist: song.artist ?? '',
            album: song.album ?? '',
            artwork: song.coverUrl ? [{ src: song.coverUrl }] : [],
          })
        : null;
  });
  effect(() => {
    const song = store.song();
    store.playback();
    mediaSession.playbackState = song ? (store.playing() ? 'playing' : 'paused') : 'none';
    if (!song) return;
    // The system extrapolates the position itself; it needs telling only when playback changes.
    const position = untracked(() => store.elapsed());
    try {
      mediaSession.setPositionState?.({ duration: song.duration, position, playbackRate: 1 });
    } catch {
      // A position past the duration (rounding at the very end): the system keeps its last state.
    }
  });

  inject(DestroyRef).onDestroy(() => {
    for (const [action] of actions) setHandler(mediaSession, action, null);
    mediaSession.metadata = null;
    mediaSession.playbackState = 'none';
  });
}

/** Browsers throw for actions they do not support; those simply have no handler. */
function setHandler(mediaSession: MediaSession, action: MediaSessionAction, handler: (() => void) | null): void {
  try {
    mediaSession.setActionHandler(action, handler);
  } catch {
    // Unsupported action.
  }
}
