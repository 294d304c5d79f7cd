import { DestroyRef, Service, inject, signal } from '@angular/core';

/**
 * Browsers only let audio start inside a user gesture. `unlock()` runs in the join
 * click, creating (or resuming) the one AudioContext that playback later uses.
 */
@Service()
export class AudioUnlock {
  private audioContext: AudioContext | null = null;
  private readonly _unlocked = signal(false);

  /** True while the shared context is running. */
  readonly unlocked = this._unlocked.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => void this.audioContext?.close());
  }

  /** The shared context, once `unlock()` has created it. */
  context(): AudioContext | null {
    return this.audioContext;
  }

  /** Call synchronously from a click or key handler: the gesture must still be on the stack. */
  unlock(): void {
    if (typeof AudioContext === 'undefined') return;
    const context = (this.audioContext ??= this.createContext());
    const sync = (): void => this._unlocked.set(context.state === 'running');
    context.resume().then(sync, sync);
  }

  private createContext(): AudioContext {
    const context = new AudioContext({ latencyHint: 'interactive' });
    // The browser may suspend or interrupt the context later (e.g. a phone call on iOS).
    context.addEventListener('statechange', () => this._unlocked.set(context.state === 'running'));
    return context;
  }
}
