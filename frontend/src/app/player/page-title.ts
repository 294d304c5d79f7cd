import { DestroyRef, effect, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';

import { PlaybackStore } from './playback-store';

const APP_TITLE = 'Musync';

/** The tab's title names the song on, so a listener finds it among many tabs. Call in an injection context. */
export function bindPageTitle(): void {
  const title = inject(Title);
  const store = inject(PlaybackStore);
  effect(() => {
    const song = store.song();
    if (!song) return title.setTitle(APP_TITLE);
    const name = song.artist ? `${song.title} – ${song.artist}` : song.title;
    title.setTitle(`${store.playing() ? '▶ ' : ''}${name} · ${APP_TITLE}`);
  });
  inject(DestroyRef).onDestroy(() => title.setTitle(APP_TITLE));
}
