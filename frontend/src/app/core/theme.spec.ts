import { TestBed } from '@angular/core/testing';

import { Theme } from './theme';

describe('Theme', () => {
  let systemDark = false;
  const listeners: ((event: MediaQueryListEvent) => void)[] = [];

  beforeEach(() => {
    localStorage.clear();
    delete document.documentElement.dataset['theme'];
    listeners.length = 0;
    systemDark = false;
    window.matchMedia = ((query: string) => ({
      media: query,
      matches: systemDark,
      addEventListener: (_: string, listener: (event: MediaQueryListEvent) => void) => listeners.push(listener),
    })) as unknown as typeof window.matchMedia;
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    delete (window as { matchMedia?: unknown }).matchMedia;
  });

  it('follows the system setting until the listener picks one', () => {
    const theme = TestBed.inject(Theme);
    TestBed.tick();
    expect(theme.current()).toBe('light');
    expect(document.documentElement.dataset['theme']).toBeUndefined();
    for (const listener of listeners) listener({ matches: true } as MediaQueryListEvent);
    expect(theme.current()).toBe('dark');
  });

  it('the toggle switches, marks <html>, and is remembered by the next visit', () => {
    const theme = TestBed.inject(Theme);
    theme.toggle();
    TestBed.tick();
    expect(theme.current()).toBe('dark');
    expect(document.documentElement.dataset['theme']).toBe('dark');

    TestBed.resetTestingModule();
    const again = TestBed.inject(Theme);
    TestBed.tick();
    expect(again.current()).toBe('dark');
    expect(document.documentElement.dataset['theme']).toBe('dark');
  });
});
