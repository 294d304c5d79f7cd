/**
 * jsdom has no Web Audio: these stand in for the browser's AudioContext and the
 * nodes the audio engine uses, recording what the engine asked of them. The
 * context's clock follows `performance.now()` (jest's fake clock in specs): the
 * device outputs context time (now − created) / 1000, and `currentTime` (the
 * render thread) runs `renderAhead` seconds ahead of it, as in a real browser.
 */

interface ParamEvent {
  readonly type: 'set' | 'ramp' | 'cancel';
  readonly value: number;
  readonly time: number;
}

export class FakeAudioParam {
  value: number;
  readonly events: ParamEvent[] = [];

  constructor(value: number) {
    this.value = value;
  }

  setValueAtTime(value: number, time: number): this {
    this.events.push({ type: 'set', value, time });
    return this;
  }

  linearRampToValueAtTime(value: number, time: number): this {
    this.events.push({ type: 'ramp', value, time });
    return this;
  }

  cancelScheduledValues(time: number): this {
    this.events.push({ type: 'cancel', value: Number.NaN, time });
    return this;
  }
}

class FakeNode {
  readonly connections: unknown[] = [];

  constructor(readonly context: FakeAudioContext) {}

  connect<T>(destination: T): T {
    this.connections.push(destination);
    return destination;
  }

  disconnect(): void {
    this.connections.length = 0;
  }
}

export class FakeGainNode extends FakeNode {
  readonly gain = new FakeAudioParam(1);
}

export class FakeBufferSource extends FakeNode {
  buffer: AudioBuffer | null = null;
  readonly playbackRate = new FakeAudioParam(1);
  onended: (() => void) | null = null;
  started: { readonly when: number; readonly offset: number } | null = null;
  stoppedAt: number | null = null;

  start(when = 0, offset = 0): void {
    this.started = { when, offset };
  }

  stop(when = 0): void {
    this.stoppedAt = when;
  }

  /** The browser reached the end of the buffer, or a stop time, and fires `ended`. */
  end(): void {
    this.onended?.();
  }
}

export class FakeAudioContext extends EventTarget {
  /** Every context created, newest last. */
  static readonly created: FakeAudioContext[] = [];
  /** Decoded buffers are this many seconds per byte of the fetched file (see fakeAudioFile). */
  static readonly SECONDS_PER_BYTE = 0.01;

  state: AudioContextState = 'suspended';
  readonly sampleRate = 48_000;
  readonly baseLatency = 0.01;
  readonly outputLatency = 0.03;
  /** How far the render thread (currentTime) is ahead of what the device outputs, seconds. */
  readonly renderAhead = 0.04;
  readonly destination = { kind: 'destination' };
  readonly sources: FakeBufferSource[] = [];
  readonly decodes: ArrayBuffer[] = [];
  /** As if it had been rendering for a second: a fresh context's timestamp reads zero, which means "unknown". */
  private readonly createdAt = performance.now() - 1000;

  constructor(readonly options?: AudioContextOptions) {
    super();
    FakeAudioContext.created.push(this);
  }

  static latest(): FakeAudioContext {
    const context = FakeAudioContext.created.at(-1);
    if (!context) throw new Error('no AudioContext was created');
    return context;
  }

  /** The context time the device outputs right now. */
  outputTime(): number {
    return (performance.now() - this.createdAt) / 1000;
  }

  get currentTime(): number {
    return this.outputTime() + this.renderAhead;
  }

  getOutputTimestamp(): AudioTimestamp {
    return { contextTime: this.outputTime(), performanceTime: performance.now() };
  }

  resume(): Promise<void> {
    this.state = 'running';
    this.dispatchEvent(new Event('statechange'));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }

  decodeAudioData(data: ArrayBuffer): Promise<AudioBuffer> {
    this.decodes.push(data);
    const duration = data.byteLength * FakeAudioContext.SECONDS_PER_BYTE;
    return Promise.resolve({ duration, sampleRate: this.sampleRate } as AudioBuffer);
  }

  createBufferSource(): FakeBufferSource {
    const source = new FakeBufferSource(this);
    this.sources.push(source);
    return source;
  }

  createGain(): FakeGainNode {
    return new FakeGainNode(this);
  }

  /** The sources that were started, in order. */
  started(): FakeBufferSource[] {
    return this.sources.filter((s) => s.started !== null);
  }
}

/** Installs the fake as the global AudioContext; returns the undo. */
export function installFakeAudioContext(): () => void {
  FakeAudioContext.created.length = 0;
  Object.defineProperty(globalThis, 'AudioContext', { value: FakeAudioContext, configurable: true, writable: true });
  return () => {
    Reflect.deleteProperty(globalThis, 'AudioContext');
  };
}

/** A file body that FakeAudioContext decodes to `seconds` of audio. */
export function fakeAudioFile(seconds: number): ArrayBuffer {
  return new ArrayBuffer(Math.round(seconds / FakeAudioContext.SECONDS_PER_BYTE));
}

/** Serves every fetched URL as a fake audio file of `secondsFor(url)`; returns the URLs fetched and the undo. */
export function installFakeAudioFetch(secondsFor: (url: string) => number): { fetched: string[]; uninstall: () => void } {
  const fetched: string[] = [];
  Object.defineProperty(globalThis, 'fetch', {
    configurable: true,
    writable: true,
    value: (url: string) => {
      fetched.push(url);
      const body = fakeAudioFile(secondsFor(url));
      return Promise.resolve({ ok: true, status: 200, arrayBuffer: () => Promise.resolve(body) });
    },
  });
  return { fetched, uninstall: () => Reflect.deleteProperty(globalThis, 'fetch') };
}
