import { DOCUMENT, Service, inject, signal } from '@angular/core';

/** Below this the room shows one panel at a time, as tabs under the pinned player (room-page.css agrees). */
const NARROW_QUERY = '(width < 48rem)';

/** Whether the screen is phone-narrow, following rotation and window resizes. */
@Service()
export class Viewport {
  private readonly media = inject(DOCUMENT).defaultView?.matchMedia?.(NARROW_QUERY) ?? null;
  private readonly _narrow = signal(this.media?.matches ?? false);

  readonly narrow = this._narrow.asReadonly();

  constructor() {
    this.media?.addEventListener?.('change', (event) => this._narrow.set(event.matches));
  }
}
