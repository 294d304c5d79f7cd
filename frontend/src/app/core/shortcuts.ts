/** What a key pressed outside a text field asks for. */
export type Shortcut = 'toggle-play' | 'back-10' | 'forward-10' | 'next' | 'previous' | 'focus-chat';

/** Where typed keys are text, never a shortcut. */
const TEXT_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);
/** Controls that Space activates by itself: a shortcut there would act twice. */
const ACTIVATED_BY_SPACE = new Set(['BUTTON', 'A', 'SUMMARY']);
/** Widgets that move with the arrow keys themselves (the phone's tab bar). */
const ARROW_ROLES = new Set(['tab', 'slider', 'listbox', 'option', 'menuitem', 'radio']);

const BY_KEY: Readonly<Record<string, Shortcut>> = {
  ArrowLeft: 'back-10',
  ArrowRight: 'forward-10',
  n: 'next',
  N: 'next',
  p: 'previous',
  P: 'previous',
  '/': 'focus-chat',
};

/**
 * The room's keyboard shortcuts (Space play/pause, ←/→ ±10 s, N/P next/previous,
 * / the chat), or null when the key belongs to whatever has focus: a field being
 * typed in, a button Space presses, a widget that moves with the arrows.
 */
export function shortcutFor(event: KeyboardEvent): Shortcut | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target instanceof HTMLElement ? event.target : null;
  if (target && (TEXT_TAGS.has(target.tagName) || target.isContentEditable)) return null;
  if (event.code === 'Space' || event.key === ' ') {
    if (event.repeat || (target && ACTIVATED_BY_SPACE.has(target.tagName))) return null;
    return 'toggle-play';
  }
  const shortcut = BY_KEY[event.key] ?? null;
  if (shortcut && event.key.startsWith('Arrow') && ARROW_ROLES.has(target?.getAttribute('role') ?? '')) return null;
  return shortcut;
}
