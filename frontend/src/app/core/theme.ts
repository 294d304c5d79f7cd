import { DOCUMENT, Service, computed, effect, inject, signal } from '@angular/core';

import { readSetting, writeSetting } from './browser-storage';

export type ThemeName = 'light' | 'dark';

const THEME_KEY = 'musync.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

/**
 * Light or dark: the system's choice until the listener picks one with the toggle,
 * which this browser then remembers. Applied as `data-theme` on <html>; the
 * stylesheet keys its colours on that and on the system setting.
 */
@Service()
export class Theme {
  private readonly document = inject(DOCUMENT);
  private readonly media = this.document.defaultView?.matchMedia?.(DARK_QUERY) ?? null;
  private readonly systemDark = signal(this.media?.matches ?? true);
  private readonly chosen = signal<ThemeName | null>(parseTheme(readSetting(THEME_KEY)));

  /** The theme in use now. */
  readonly current = computed<ThemeName>(() => this.chosen() ?? (this.systemDark() ? 'dark' : 'light'));

  constructor() {
    this.media?.addEventListener?.('change', (event) => this.systemDark.set(event.matches));
    effect(() => {
      const root = this.document.documentElement;
      const chosen = this.chosen();
      if (chosen === null) delete root.dataset['theme'];
      else root.dataset['theme'] = chosen;
    });
  }

  /** Switches to the other theme and remembers it. */
  toggle(): void {
    const next: ThemeName = this.current() === 'dark' ? 'light' : 'dark';
    this.chosen.set(next);
    writeSetting(THEME_KEY, next);
  }
}

function parseTheme(value: string | null): ThemeName | null {
  return value === 'light' || value === 'dark' ? value : null;
}
