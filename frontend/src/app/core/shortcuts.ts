/** What a key pressed outside a text field asks for. */
export type Shortcut = 'toggle-play' | 'back-10' | 'forward-10' | 'next' | 'previous' | 'focus-chat';

/** Inputs whose keys are not text: a slider, a checkbox… (the rest take typing). */
const NON_TEXT_INPUTS = new Set(['range', 'checkbox', 'radio', 'button', 'submit', 'reset', 'color', 'file']);
/** Controls that Space activates by itself: a shortcut there would act twice. */
const ACTIVATED_BY_SPACE = new Set(['BUTTON', 'A', 'SUMMARY', 'INPUT']);
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
  if (target && isTyping(target)) return null;
  if (event.code === 'Space' || event.key === ' ') {
    if (event.repeat || (target && ACTIVATED_BY_SPACE.has(target.tagName))) return null;
    return 'toggle-play';
  }
  const shortcut = BY_KEY[event.key] ?? null;
  if (shortcut && event.key.startsWith('Arrow') && target && ARROW_ROLES.has(roleOf(target))) return null;
  return shortcut;
}

function isTyping(target: HTMLElement): boolean {
  if (target instanceof HTMLInputElement) return !NON_TEXT_INPUTS.has(target.type);
  return target.tagName === 'TEXTAREA' || target.tagName === 'SELECT' || target.isContentEditable;
}

/** The explicit role, or the one a native slider or radio button has. */
function roleOf(target: HTMLElement): string {
  const role = target.getAttribute('role');
  if (role) return role;
  if (target instanceof HTMLInputElement && target.type === 'range') return 'slider';
  return target instanceof HTMLInputElement && target.type === 'radio' ? 'radio' : '';
}
