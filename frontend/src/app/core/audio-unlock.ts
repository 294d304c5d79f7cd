import { DestroyRef, Service, inject, signal } from '@angular/core';

/**
 * Browsers only let audio start inside a user gesture. `unlock()` runs in the join
 * click (or the "tap to join the audio" button), creating (or resuming) the one
 * AudioContext that playback uses.
 */
@Service()
export class AudioUnlock {
  private readonly _context = signal<AudioContext | null>(null);
  private readonly _unlocked = signal(false);

  /** True while the shared context is running. */
  readonly unlocked = this._unlocked.asReadonly();
  /** The shared context, once created (running or not); reactive. */
  readonly context = this._context.asReadonly();
  /** False where the browser has no Web Audio at all. */
  readonly supported = typeof AudioContext !== 'undefined';

  constructor() {
    inject(DestroyRef).onDestroy(() => void this._context()?.close());
  }

  /** Call synchronously from a click or key handler: the gesture must still be on the stack. */
  unlock(): void {
    const context = this.ensureContext();
    if (!context) return;
    const sync = (): void => this._unlocked.set(context.state === 'running');
    context.resume().then(sync, sync);
  }

  /**
   * The shared context, created if needed. Outside a gesture it stays suspended
   * until `unlock()`, but it can already decode audio.
   */
  ensureContext(): AudioContext | null {
    if (typeof AudioContext === 'undefined') return null;
    const existing = this._context();
    if (existing) return existing;
    const context = new AudioContext({ latencyHint: 'interactive' });
    // The browser may suspend or interrupt the context later (e.g. a phone call on iOS).
    context.addEventListener('statechange', () => this._unlocked.set(context.state === 'running'));
    this._context.set(context);
    return context;
  }
}
