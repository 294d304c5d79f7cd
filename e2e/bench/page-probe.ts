/**
 * The init script every bench page gets before any of its own scripts run.
 *
 * 1. A wrong clock. A machine whose clock is off has a wrong epoch but steady
 *    monotonic clocks, so Date.now(), new Date(), performance.now() and
 *    AudioContext.getOutputTimestamp().performanceTime all move by the same
 *    `clockErrorMs`: the page sees one consistent clock that is wrong
 *    (performance.timeOrigin + performance.now() is off by the error).
 * 2. A look at the clock sync. Every `time:ping` exchange on the page's
 *    Socket.IO WebSocket is recorded with the page's own t0 and t3, so the
 *    bench can replay the page's clock estimate against the known truth, and
 *    every `sync:report`, the error the page believes it has.
 * 3. A tap before the speakers. Every connection to a realtime context's
 *    destination is rerouted through a pass-through AudioWorkletNode that
 *    posts the frame of each click's rising edge (first sample above
 *    THRESHOLD after QUIET_SECONDS of quiet). The unpatched clocks sample
 *    getOutputTimestamp() so the bench can map frames to true time afterwards.
 *
 * Self-contained on purpose: Playwright sends this function's source text to
 * the page, so it may not use anything from this module's scope.
 */
interface ProbeOptions {
  /** How far this page's clock is ahead of the true one (ms, negative = behind). */
  readonly clockErrorMs: number;
  /** The window property the bench drains the recording from (PROBE_KEY). */
  readonly key: string;
}

/** What one realtime AudioContext of a page rendered since the last drain. */
interface ContextDrain {
  /** Stable per page: contexts are numbered in creation order. */
  readonly id: number;
  readonly sampleRate: number;
  /** Context frame of each click's rising edge. */
  readonly edges: number[];
  /** Flattened pairs (contextTime s, true performance time ms) from getOutputTimestamp(). */
  readonly stamps: number[];
  readonly error: string | null;
}

export interface ProbeDrain {
  /** The real performance.timeOrigin: true epoch = timeOrigin + true performance time. */
  readonly timeOrigin: number;
  readonly contexts: ContextDrain[];
  /** Flattened (t0, t1, t2, t3, true performance time of the answer) per time:ping exchange; t0 and t3 on the page's clock. */
  readonly pings: number[];
  /** True performance time each WebSocket was opened (a new connection starts a new clock window). */
  readonly connects: number[];
  /** Flattened (true performance time, errorMs) per sync:report the page sent: its own view of its error. */
  readonly reports: number[];
}

/** What the probe puts on the page's window under PROBE_KEY. */
export interface ProbeApi {
  /** Everything recorded since the last drain. */
  drain(): ProbeDrain;
  /** The true (unskewed) performance.now(). */
  trueNow(): number;
  /** The true (unskewed) getOutputTimestamp(). */
  trueOutputTimestamp(context: AudioContext): AudioTimestamp;
}

export const PROBE_KEY = '__musyncSyncBench';

/**
 * Options for a browser context the probe goes into: its AudioWorklet loads from
 * a blob: URL, which the app's Content-Security-Policy (script-src 'self') rightly
 * refuses to the page, so the measuring context bypasses the CSP (e2e/csp.e2e.ts
 * checks the CSP without a probe).
 */
export const PROBE_CONTEXT = { bypassCSP: true } as const;

export function installProbe(options: ProbeOptions): void {
  const { key } = options;
  const scope = window as unknown as Record<string, unknown>;
  if (scope[key]) return;

  const THRESHOLD = 0.2;
  const QUIET_SECONDS = 0.1;
  const STAMP_EVERY_MS = 100;
  const TAP_NAME = 'musync-bench-click-tap';
  const error = options.clockErrorMs;

  // The true clocks, kept for the measurement.
  const realNow = Performance.prototype.now;
  const realDateNow = Date.now;
  const RealDate = Date;
  const RealAudioContext = AudioContext;
  const realOutputTimestamp = RealAudioContext.prototype.getOutputTimestamp;
  const realConnect = AudioNode.prototype.connect as (
    this: AudioNode,
    destination: AudioNode | AudioParam,
    ...indices: number[]
  ) => AudioNode | undefined;
  const realDisconnect = AudioNode.prototype.disconnect as (this: AudioNode, ...args: unknown[]) => void;
  const trueNow = (): number => realNow.call(performance);

  // --- The wrong clock -----------------------------------------------------
  Performance.prototype.now = function (this: Performance): number {
    return realNow.call(this) + error;
  };
  RealDate.now = (): number => realDateNow() + error;
  const SkewedDate = new Proxy(RealDate, {
    construct(target, args: unknown[], newTarget) {
      return Reflect.construct(target, args.length === 0 ? [realDateNow() + error] : args, newTarget) as object;
    },
    apply() {
      return new RealDate(realDateNow() + error).toString();
    },
  });
  Object.defineProperty(window, 'Date', { value: SkewedDate, writable: true, configurable: true });
  RealAudioContext.prototype.getOutputTimestamp = function (this: AudioContext): AudioTimestamp {
    const stamp = realOutputTimestamp.call(this);
    // 0 means "not known yet" (context not rendering); a wrong clock does not change that.
    if (!stamp.performanceTime) return stamp;
    return { contextTime: stamp.contextTime, performanceTime: stamp.performanceTime + error };
  };

  // --- The tap -------------------------------------------------------------
  const processor = `registerProcessor('${TAP_NAME}', class extends AudioWorkletProcessor {
    constructor() { super(); this.quiet = Number.MAX_SAFE_INTEGER; this.minQuiet = Math.round(sampleRate * ${QUIET_SECONDS}); }
    process(inputs, outputs) {
      const input = inputs[0] || [];
      const output = outputs[0] || [];
      for (let c = 0; c < output.length; c++) {
        const source = input[c] || input[0];
        if (source) output[c].set(source); else output[c].fill(0);
      }
      const frames = output.length > 0 ? output[0].length : 128;
      for (let i = 0; i < frames; i++) {
        let peak = 0;
        for (let c = 0; c < input.length; c++) { const v = Math.abs(input[c][i]); if (v > peak) peak = v; }
        if (peak >= ${THRESHOLD}) {
          if (this.quiet >= this.minQuiet) this.port.postMessage(currentFrame + i);
          this.quiet = 0;
        } else this.quiet++;
      }
      return true;
    }
  });`;
  const processorUrl = URL.createObjectURL(new Blob([processor], { type: 'text/javascript' }));

  interface Tapped {
    readonly context: AudioContext;
    readonly input: GainNode;
    readonly record: { id: number; sampleRate: number; edges: number[]; stamps: number[]; error: string | null };
  }
  const tapped: Tapped[] = [];
  const taps = new WeakMap<BaseAudioContext, Tapped>();

  const stamp = ({ context, record }: Tapped): void => {
    if (context.state !== 'running') return;
    const { contextTime, performanceTime } = realOutputTimestamp.call(context);
    if (contextTime && performanceTime) record.stamps.push(contextTime, performanceTime);
  };

  const tapOf = (context: AudioContext): Tapped => {
    const known = taps.get(context);
    if (known) return known;
    // Until the worklet module loads, the tap input goes straight to the speakers.
    const input = context.createGain();
    realConnect.call(input, context.destination);
    const record: Tapped['record'] = { id: tapped.length, sampleRate: context.sampleRate, edges: [], stamps: [], error: null };
    const tap: Tapped = { context, input, record };
    tapped.push(tap);
    taps.set(context, tap);
    context.audioWorklet.addModule(processorUrl).then(
      () => {
        const node = new AudioWorkletNode(context, TAP_NAME);
        node.port.onmessage = (event: MessageEvent<number>) => {
          record.edges.push(event.data);
          stamp(tap);
        };
        // One task, so the rewiring lands between two render quanta.
        realConnect.call(input, node);
        realConnect.call(node, context.destination);
        realDisconnect.call(input, context.destination);
      },
      (failure: unknown) => {
        record.error = `tap worklet failed: ${String(failure)}`;
      },
    );
    return tap;
  };

  const TappedAudioContext = class extends RealAudioContext {
    constructor(contextOptions?: AudioContextOptions) {
      super(contextOptions);
      tapOf(this); // early, so the worklet is loaded before anything plays
    }
  };
  Object.defineProperty(window, 'AudioContext', { value: TappedAudioContext, writable: true, configurable: true });

  const isSpeakers = (node: unknown): node is AudioDestinationNode =>
    node instanceof AudioDestinationNode && node.context instanceof RealAudioContext;

  AudioNode.prototype.connect = function (this: AudioNode, destination: AudioNode | AudioParam, ...rest: number[]) {
    if (isSpeakers(destination)) {
      realConnect.call(this, tapOf(destination.context as AudioContext).input, ...rest);
      return destination;
    }
    return realConnect.call(this, destination, ...rest);
  } as typeof AudioNode.prototype.connect;

  AudioNode.prototype.disconnect = function (this: AudioNode, ...args: unknown[]) {
    const [first, ...rest] = args;
    const target = isSpeakers(first) ? tapOf(first.context as AudioContext).input : first;
    realDisconnect.call(this, ...(args.length === 0 ? [] : [target, ...rest]));
  } as typeof AudioNode.prototype.disconnect;

  setInterval(() => tapped.forEach(stamp), STAMP_EVERY_MS);

  // --- The clock sync, as seen on the wire ------------------------------------
  // Socket.IO over a WebSocket: an event with ack id N is `42N[...]`, its ack `43N[...]`.
  const pings: number[] = [];
  const connects: number[] = [];
  const reports: number[] = [];
  const sentPings = new Map<string, number>();
  const RealWebSocket = WebSocket;
  const realSend = RealWebSocket.prototype.send;
  RealWebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    const ping = typeof data === 'string' ? /^42(\d+)\["time:ping",(\{.*\})\]$/.exec(data) : null;
    if (ping) sentPings.set(ping[1]!, (JSON.parse(ping[2]!) as { t0: number }).t0);
    const report = typeof data === 'string' ? /^42\d*\["sync:report",(\{.*\})\]$/.exec(data) : null;
    const errorMs = report ? (JSON.parse(report[1]!) as { errorMs?: number | null }).errorMs : null;
    if (typeof errorMs === 'number') reports.push(trueNow(), errorMs);
    realSend.call(this, data as string);
  };
  const WatchedWebSocket = class extends RealWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      connects.push(trueNow());
      sentPings.clear();
      this.addEventListener('message', (event: MessageEvent) => {
        const ack = typeof event.data === 'string' ? /^43(\d+)\[(\{.*\})\]$/.exec(event.data) : null;
        const t0 = ack ? sentPings.get(ack[1]!) : undefined;
        if (!ack || t0 === undefined) return;
        const received = trueNow();
        const pong = JSON.parse(ack[2]!) as { ok?: boolean; t1?: number; t2?: number };
        if (pong.ok && typeof pong.t1 === 'number' && typeof pong.t2 === 'number') {
          pings.push(t0, pong.t1, pong.t2, performance.timeOrigin + received + error, received);
        }
      });
    }
  };
  Object.defineProperty(window, 'WebSocket', { value: WatchedWebSocket, writable: true, configurable: true });

  const drain = (): ProbeDrain => ({
    timeOrigin: performance.timeOrigin,
    contexts: tapped.map(({ record }) => ({
      id: record.id,
      sampleRate: record.sampleRate,
      edges: record.edges.splice(0),
      stamps: record.stamps.splice(0),
      error: record.error,
    })),
    pings: pings.splice(0),
    reports: reports.splice(0),
    connects: connects.splice(0),
  });
  const api: ProbeApi = { drain, trueNow, trueOutputTimestamp: (context) => realOutputTimestamp.call(context) };
  scope[key] = api;
}
