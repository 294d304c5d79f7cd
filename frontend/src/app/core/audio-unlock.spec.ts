import { TestBed } from '@angular/core/testing';

import { AudioUnlock } from './audio-unlock';

/** jsdom has no Web Audio; this stands in for the browser's AudioContext. */
class FakeAudioContext extends EventTarget {
  static created = 0;
  state: AudioContextState = 'suspended';

  constructor() {
    super();
    FakeAudioContext.created++;
  }

  resume(): Promise<void> {
    this.state = 'running';
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }

  interrupt(): void {
    this.state = 'suspended';
    this.dispatchEvent(new Event('statechange'));
  }
}

describe('AudioUnlock', () => {
  beforeEach(() => {
    FakeAudioContext.created = 0;
    Object.defineProperty(globalThis, 'AudioContext', { value: FakeAudioContext, configurable: true });
  });

  afterEach(() => {
    Reflect.deleteProperty(globalThis, 'AudioContext');
  });

  it('is locked until unlock() runs', () => {
    const audio = TestBed.inject(AudioUnlock);
    expect(audio.unlocked()).toBe(false);
    expect(audio.context()).toBeNull();
  });

  it('starts one shared context and reports it unlocked once running', async () => {
    const audio = TestBed.inject(AudioUnlock);
    audio.unlock();
    audio.unlock();
    await Promise.resolve();

    expect(audio.unlocked()).toBe(true);
    expect(audio.context()?.state).toBe('running');
    expect(FakeAudioContext.created).toBe(1);
  });

  it('reports the lock again when the browser suspends the context', async () => {
    const audio = TestBed.inject(AudioUnlock);
    audio.unlock();
    await Promise.resolve();
    (audio.context() as unknown as FakeAudioContext).interrupt();
    expect(audio.unlocked()).toBe(false);
  });

  it('stays locked without Web Audio support', () => {
    Reflect.deleteProperty(globalThis, 'AudioContext');
    const audio = TestBed.inject(AudioUnlock);
    audio.unlock();
    expect(audio.unlocked()).toBe(false);
  });
});
