import { shortcutFor } from './shortcuts';

describe('shortcutFor', () => {
  function press(key: string, target: HTMLElement = document.body, init: KeyboardEventInit = {}): KeyboardEvent {
    const event = new KeyboardEvent('keydown', { key, code: key === ' ' ? 'Space' : '', bubbles: true, ...init });
    Object.defineProperty(event, 'target', { value: target });
    return event;
  }
  const element = (html: string): HTMLElement => {
    const holder = document.createElement('div');
    holder.innerHTML = html;
    return holder.firstElementChild as HTMLElement;
  };

  it('maps the room keys outside any field', () => {
    expect(shortcutFor(press(' '))).toBe('toggle-play');
    expect(shortcutFor(press('ArrowLeft'))).toBe('back-10');
    expect(shortcutFor(press('ArrowRight'))).toBe('forward-10');
    expect(shortcutFor(press('n'))).toBe('next');
    expect(shortcutFor(press('P'))).toBe('previous');
    expect(shortcutFor(press('/'))).toBe('focus-chat');
    expect(shortcutFor(press('x'))).toBeNull();
  });

  it('never fires while typing in a field', () => {
    for (const html of ['<input type="text">', '<input type="search">', '<input>', '<textarea></textarea>', '<select></select>']) {
      for (const key of [' ', 'ArrowLeft', 'n', '/']) expect(shortcutFor(press(key, element(html)))).toBeNull();
    }
  });

  it('leaves the arrows and Space to a focused slider, but takes N, P and /', () => {
    const slider = element('<input type="range">');
    expect(shortcutFor(press('ArrowRight', slider))).toBeNull();
    expect(shortcutFor(press(' ', slider))).toBeNull();
    expect(shortcutFor(press('n', slider))).toBe('next');
    expect(shortcutFor(press('/', slider))).toBe('focus-chat');
  });

  it('leaves Space to the focused button and arrows to the tab bar', () => {
    const button = element('<button>Send</button>');
    expect(shortcutFor(press(' ', button))).toBeNull();
    expect(shortcutFor(press('ArrowRight', button))).toBe('forward-10');
    expect(shortcutFor(press('ArrowRight', element('<button role="tab">Chat</button>')))).toBeNull();
  });

  it('ignores keys held down with a modifier or auto-repeated Space', () => {
    expect(shortcutFor(press('n', document.body, { ctrlKey: true }))).toBeNull();
    expect(shortcutFor(press(' ', document.body, { repeat: true }))).toBeNull();
  });
});
