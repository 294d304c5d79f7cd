import { DestroyRef, Service, effect, inject, signal, untracked } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { positionAt, type Playback, type Song } from '@musync/protocol';

import {
  contextTimeAt,
  outputClockPoint,
  planStart,
  plausibleLatency,
  steadyOutputPoint,
  type OutputClockPoint,
  type TimeBase,
} from './audio-clock';
import { AudioUnlock } from './audio-unlock';
import { ClockSync } from './clock-sync';
import { OutputDelay } from './output-delay';
import { OwnCopies } from './own-copies';
import { RoomSession } from './room-session';
import { SocketClient } from './socket-client';

/**
 * Songs longer than this stream through a media element instead of being decoded
 * whole: decoded audio is 32-bit float per channel at the context's rate (48 kHz
 * stereo: 23 MB a minute), so 15 minutes is ~350 MB for one buffer.
 */
export const DECODE_MAX_SECONDS = 15 * 60;
/** Decoded songs kept: the current one, the next (prefetched) and one to go back to. */
const CACHED_SONGS = 3;
/** Measurement and correction period. Nothing is scheduled by it: starts and stops ride the audio clock. */
const TICK_MS = 100;
const SYNC_REPORT_MS = 5_000;
/** Output clock readings in the median: about a second's worth. */
const CLOCK_READINGS = 9;
/** Error measurements a correction decision rests on (their median). */
const ERROR_SAMPLES = 5;
/** How far past the render thread a start, stop or rate change must be placed to happen exactly then. */
const SCHEDULE_MARGIN_S = 0.02;
/** A not-yet-started source whose start moment moved by more than this is rescheduled. */
const RESCHEDULE_MS = 0.5;
/**
 * Web Audio errors within this are left alone: the median error wobbles ~0.1 ms
 * (coarsened performance.now()). Every device may sit anywhere within it, so two
 * devices up to twice it apart: 0.5 ms left up to 1 ms of the room's 2 ms budget.
 */
export const DEADBAND_MS = 0.25;
/**
 * Web Audio errors beyond this are fixed by a restart at the right offset (8 ms
 * crossfade) rather than a nudge. Drift grows slowly and is nudged long before it
 * gets here; what jumps past it is a step: a render glitch (an underrun shifts the
 * output by its length, 5–10 ms seen in the sync bench on two busy cores), a clock
 * re-estimate after a reconnect. At ±0.2 % a 10 ms step takes 5 s to win back,
 * that long out of step with the room; a restart fixes it in under a second (the
 * time the output-clock and error medians take to see the step). Was 20 ms.
 */
export const REANCHOR_MS = 4;
/**
 * The Web Audio path corrects drift with playbackRate nudges of ±0.2 %: 3.5 cents of
 * pitch, under what ears can tell apart (~5 cents), against a sound-card clock that
 * strays 20–100 ppm — so a 2 ms error is gone in a second, without a seam. Restarting
 * the source instead would splice the waveform (a click) every few minutes of a long
 * song. Because the node's rate is scheduled at known context times, the position it
 * plays stays exactly computable, so the self-measurement stays exact during a nudge.
 */
const NUDGE = 0.002;
/** Fades that keep stops and restarts from clicking. */
const FADE_S = 0.008;
/** Media elements cannot be scheduled; beyond this error they seek, within it they nudge. */
const STREAM_SEEK_MS = 150;
const STREAM_DEADBAND_MS = 10;
const STREAM_MAX_NUDGE = 0.03;
/** playbackRate change per second of error (so 50 ms ahead plays 2.5 % slow until caught up). */
const STREAM_GAIN_PER_S = 0.5;

type Loaded =
  | { readonly kind: 'buffer'; readonly buffer: AudioBuffer }
  | { readonly kind: 'stream'; readonly element: HTMLAudioElement }
  | { readonly kind: 'failed'; readonly message: string };

/** Where a song's bytes come from on this device: the room's server, or a file of the listener's own. */
type SongAudio = { readonly kind: 'url'; readonly key: string; readonly url: string } | { readonly kind: 'file'; readonly key: string; readonly file: File };

/** What the player says when an own-copy song is on and this browser has no copy of it. */
export const NO_COPY_MESSAGE = 'You don’t have this song: pick your own copy of it to listen. You stay in sync for the next one.';

interface CacheEntry {
  readonly songId: string;
  /** Which audio it holds (the URL, or the own copy's fingerprint): a different one is loaded afresh. */
  readonly key: string;
  loaded: Loaded | null;
}

/** A playbackRate change held from `from` until `until` (context seconds). */
interface Nudge {
  readonly from: number;
  readonly until: number;
  readonly rate: number;
}

interface BufferVoice {
  readonly kind: 'buffer';
  readonly songId: string;
  readonly position: number;
  readonly anchor: number;
  readonly source: AudioBufferSourceNode;
  readonly gain: GainNode;
  /** Song offset `offset` is output at context time `when`. */
  readonly when: number;
  readonly offset: number;
  readonly nudges: Nudge[];
  stopping: boolean;
  /** Context time its scheduled stop completes; Infinity until stopped. */
  endsAt: number;
}

interface StreamVoice {
  readonly kind: 'stream';
  readonly songId: string;
  readonly position: number;
  readonly anchor: number;
  readonly element: HTMLAudioElement;
  timer: ReturnType<typeof setTimeout> | undefined;
  stopping: boolean;
}

type Voice = BufferVoice | StreamVoice;

interface ErrorSample {
  /** Context time heard when measured. */
  readonly at: number;
  readonly ms: number;
}

/**
 * Plays the room's playback clock on this device: every browser starts the same
 * sample at the same server time. Decodes songs with Web Audio and starts them
 * with `AudioBufferSourceNode.start(when, offset)` on the audio clock; streams
 * very long songs through a media element. Measures its own error continuously
 * and corrects it; reports `playback:ready`, `playback:ended` and `sync:report`.
 */
@Service()
export class AudioEngine {
  private readonly audio = inject(AudioUnlock);
  private readonly clock = inject(ClockSync);
  private readonly session = inject(RoomSession);
  private readonly socket = inject(SocketClient);
  private readonly outputDelay = inject(OutputDelay);
  private readonly copies = inject(OwnCopies);

  /** Least recently used first. */
  private readonly cache = new Map<string, CacheEntry>();
  private readonly mediaNodes = new WeakMap<HTMLAudioElement, MediaElementAudioSourceNode>();
  private voice: Voice | null = null;
  /** Voices told to stop that may still sound (a pause takes effect at its anchor, a fade takes a few ms). */
  private readonly fading = new Set<Voice>();
  private readings: OutputClockPoint[] = [];
  private errors: ErrorSample[] = [];
  private lastReadyKey = '';
  private destroyed = false;
  private readonly _errorMs = signal<number | null>(null);
  private readonly _problem = signal<string | null>(null);

  /** This device's measured playback error (ms; positive = ahead of the room); null when not playing. */
  readonly errorMs = this._errorMs.asReadonly();
  /** Why this device cannot play the current song, if it cannot. */
  readonly problem = this._problem.asReadonly();

  constructor() {
    // Straight from the socket event: a background tab runs change detection and timers late.
    this.session.changes.pipe(takeUntilDestroyed()).subscribe(() => this.reconcile());
    // Slower inputs: the context appearing or unlocking, the clock estimate, the delay setting.
    effect(() => {
      this.audio.context();
      this.audio.unlocked();
      this.clock.offset();
      this.clock.steady();
      this.outputDelay.ms();
      this.copies.held();
      untracked(() => this.reconcile());
    });
    const tick = setInterval(() => this.tick(), TICK_MS);
    const report = setInterval(() => this.report(), SYNC_REPORT_MS);
    inject(DestroyRef).onDestroy(() => {
      this.destroyed = true;
      clearInterval(tick);
      clearInterval(report);
      this.silence();
      for (const entry of this.cache.values()) release(entry);
      this.cache.clear();
    });
  }

  /** Brings the device in line with the room's playback: load, start, stop, report ready. */
  private reconcile(): void {
    if (this.destroyed) return;
    const playback = this.session.playback();
    const song = this.currentSong();
    if (!playback || !song) {
      this._problem.set(null);
      this.silence();
      return;
    }
    const context = this.audio.ensureContext();
    if (!context) {
      this._problem.set('This browser cannot play audio.');
      this.reportReady(playback); // nothing to wait for: do not hold the room up
      this.silence();
      return;
    }
    const audio = this.audioOf(song);
    if (!audio) {
      // An own-copy song without a copy here: nothing to wait for, so do not hold the room up.
      this._problem.set(NO_COPY_MESSAGE);
      this.reportReady(playback);
      this.silence();
      return;
    }
    const entry = this.load(song, audio, context);
    const loaded = entry.loaded;
    if (!loaded) {
      if (this.voice && this.voice.songId !== song.id) this.silence();
      return; // reconcile runs again when it has loaded
    }
    this.prefetchAfter(song, context);
    this._problem.set(loaded.kind === 'failed' ? loaded.message : null);
    this.reportReady(playback);
    if (loaded.kind === 'failed' || playback.status === 'loading') {
      this.silence();
    } else if (playback.status === 'paused') {
      this.pauseAt(context, playback);
    } else if (context.state === 'running' && !this.voiceMatches(playback)) {
      this.start(context, playback, loaded);
    }
  }

  private audioOf(song: Song): SongAudio | null {
    if (song.source?.kind !== 'local') return { kind: 'url', key: song.url, url: song.url };
    const file = this.copies.fileFor(song);
    return file ? { kind: 'file', key: `copy:${song.source.fingerprint}`, file } : null;
  }

  private currentSong(): Song | null {
    const songId = this.session.playback()?.songId;
    return this.session.playlist().find((s) => s.id === songId) ?? null;
  }

  private voiceMatches(playback: Playback): boolean {
    const voice = this.voice;
    return (
      voice !== null &&
      !voice.stopping &&
      voice.songId === playback.songId &&
      voice.position === playback.position &&
      voice.anchor === playback.anchor
    );
  }

  private timeBase(): TimeBase | null {
    const offset = this.clock.offset();
    if (offset === null) return null;
    return { timeOrigin: performance.timeOrigin, clockOffsetMs: offset, outputDelayMs: this.outputDelay.ms() };
  }

  /** Reads the device clock now and returns the steady estimate of it. */
  private outputPoint(context: AudioContext): OutputClockPoint {
    const point = outputClockPoint({
      outputTimestamp: typeof context.getOutputTimestamp === 'function' ? context.getOutputTimestamp() : null,
      currentTime: context.currentTime,
      performanceNow: performance.now(),
      baseLatency: context.baseLatency,
      outputLatency: context.outputLatency,
    });
    this.readings = [...this.readings.slice(1 - CLOCK_READINGS), point];
    return steadyOutputPoint(this.readings) ?? point;
  }

  /** The earliest context time a start or stop can be given and still happen exactly then. */
  private earliest(context: AudioContext): number {
    return context.currentTime + SCHEDULE_MARGIN_S + plausibleLatency(context.baseLatency);
  }

  // ---- starting and stopping ----

  private start(context: AudioContext, playback: Playback, loaded: Loaded): void {
    const base = this.timeBase();
    if (!base) return; // the clock estimate arrives within half a second; reconcile runs again then
    // Already due (joining mid-song, a reload): it is heard at once, so on a steady estimate only.
    // One still to come is rescheduled for free if the estimate moves before it is heard.
    const serverNow = this.clock.serverNow();
    if (!this.clock.steady() && serverNow !== null && serverNow >= playback.anchor) return; // reconcile runs again when steady
    if (loaded.kind === 'buffer') this.startBuffer(context, playback, loaded.buffer, base, false);
    else if (loaded.kind === 'stream') this.startStream(context, playback, loaded.element, base);
  }

  /** Starts `buffer` in step with `playback`; `crossfade` when it replaces a voice of the same song mid-play. */
  private startBuffer(
    context: AudioContext,
    playback: Playback,
    buffer: AudioBuffer,
    base: TimeBase,
    crossfade: boolean,
  ): void {
    const songId = playback.songId ?? '';
    const previous = this.voice;
    const plan = planStart(playback, this.outputPoint(context), base, this.earliest(context), buffer.duration);
    if (!plan) {
      // Already over (e.g. joined in the last moments of a song).
      if (previous) this.stop(previous, context.currentTime);
      this.voice = null;
      this.reportEnded(songId);
      return;
    }
    const source = context.createBufferSource();
    source.buffer = buffer;
    const gain = context.createGain();
    source.connect(gain).connect(context.destination);
    const voice: BufferVoice = {
      kind: 'buffer',
      songId,
      position: playback.position,
      anchor: playback.anchor,
      source,
      gain,
      when: plan.when,
      offset: plan.offset,
      nudges: [],
      stopping: false,
      endsAt: Infinity,
    };
    source.onended = () => this.ended(voice);
    if (crossfade) {
      gain.gain.setValueAtTime(0, plan.when);
      gain.gain.linearRampToValueAtTime(1, plan.when + FADE_S);
    }
    source.start(plan.when, plan.offset);
    // The old voice hands over at the new start moment: a seek or skip is seamless.
    const handOver = crossfade ? plan.when + FADE_S : plan.when;
    if (previous) this.stop(previous, handOver);
    this.cutFading(handOver);
    this.voice = voice;
    this.errors = [];
  }

  private startStream(context: AudioContext, playback: Playback, element: HTMLAudioElement, base: TimeBase): void {
    const previous = this.voice;
    if (previous?.kind === 'stream' && previous.element === element) clearTimeout(previous.timer);
    else if (previous) this.stop(previous, context.currentTime);
    for (const fading of this.fading) {
      // Resuming before a scheduled pause took effect: the pause no longer applies.
      if (fading.kind === 'stream' && fading.element === element) {
        clearTimeout(fading.timer);
        this.fading.delete(fading);
      }
    }
    this.cutFading(context.currentTime);
    this.routeThroughContext(context, element);
    const voice: StreamVoice = {
      kind: 'stream',
      songId: playback.songId ?? '',
      position: playback.position,
      anchor: playback.anchor,
      element,
      timer: undefined,
      stopping: false,
    };
    this.voice = voice;
    this.errors = [];
    element.onended = () => {
      if (this.voice !== voice) return;
      this.voice = null;
      this._errorMs.set(null);
      this.reportEnded(voice.songId);
    };
    element.playbackRate = 1;
    const lagMs = this.renderToEarMs(context, base);
    const serverNow = this.clock.serverNow() ?? playback.anchor;
    const waitMs = playback.anchor - serverNow - lagMs;
    if (waitMs > 0) {
      // An element cannot be scheduled on the audio clock: a timer gets it close, the tick corrects the rest.
      element.currentTime = playback.position;
      voice.timer = setTimeout(() => void element.play().catch(() => undefined), waitMs);
    } else {
      element.currentTime = positionAt(playback, serverNow) + lagMs / 1000;
      void element.play().catch(() => undefined);
    }
  }

  /** Media elements play through the shared context, so the unlock state and output path are one. */
  private routeThroughContext(context: AudioContext, element: HTMLAudioElement): void {
    if (this.mediaNodes.has(element)) return;
    const node = context.createMediaElementSource(element);
    node.connect(context.destination);
    this.mediaNodes.set(element, node);
  }

  /** How long from the render thread to the listener's ear (ms), the output delay included. */
  private renderToEarMs(context: AudioContext, base: TimeBase): number {
    const serverNow = this.clock.serverNow();
    if (serverNow === null) return 0;
    return (context.currentTime - contextTimeAt(serverNow, this.outputPoint(context), base)) * 1000;
  }

  /** The room paused: stop when the pause takes effect (its anchor), which may still be ahead. */
  private pauseAt(context: AudioContext, playback: Playback): void {
    const voice = this.voice;
    if (!voice || voice.stopping) return;
    const base = this.timeBase();
    if (!base || voice.kind === 'stream') {
      const serverNow = this.clock.serverNow() ?? playback.anchor;
      this.stop(voice, context.currentTime, Math.max(0, playback.anchor - serverNow));
      return;
    }
    this.stop(voice, contextTimeAt(playback.anchor, this.outputPoint(context), base));
  }

  /** Stops everything now (song change, nothing on, left the room). */
  private silence(): void {
    const now = this.audio.context()?.currentTime ?? 0;
    if (this.voice) this.stop(this.voice, now);
    this.cutFading(now);
    this._errorMs.set(null);
  }

  /** Voices still fading out past `at` stop by then, so two never play over each other. */
  private cutFading(at: number): void {
    for (const voice of this.fading) {
      if (voice.kind === 'buffer' && voice.endsAt > at + FADE_S) this.stop(voice, at);
      else if (voice.kind === 'stream') this.stop(voice, at);
    }
  }

  /**
   * Stops `voice` with a short fade ending at context time `at` (never earlier than
   * now); a stream voice pauses after `streamDelayMs`.
   */
  private stop(voice: Voice, at: number, streamDelayMs = 0): void {
    voice.stopping = true;
    if (this.voice === voice) {
      this.voice = null;
      this._errorMs.set(null);
    }
    if (voice.kind === 'stream') {
      clearTimeout(voice.timer);
      const pause = (): void => {
        voice.element.pause();
        this.fading.delete(voice);
      };
      if (streamDelayMs > 0) {
        this.fading.add(voice);
        voice.timer = setTimeout(pause, streamDelayMs);
      } else {
        pause();
      }
      return;
    }
    const now = voice.source.context.currentTime;
    const end = Math.max(at, now + FADE_S);
    const gain = voice.gain.gain;
    gain.cancelScheduledValues(0);
    gain.setValueAtTime(1, Math.max(now, end - FADE_S));
    gain.linearRampToValueAtTime(0, end);
    // A second stop() replaces the first (Web Audio spec), so a pause can be brought forward.
    voice.source.stop(end);
    voice.endsAt = end;
    this.fading.add(voice);
  }

  /** A source finished: by our stop, or by reaching the end of the song. */
  private ended(voice: BufferVoice): void {
    voice.source.disconnect();
    voice.gain.disconnect();
    this.fading.delete(voice);
    if (voice.stopping || this.voice !== voice) return;
    this.voice = null;
    this._errorMs.set(null);
    this.reportEnded(voice.songId);
  }

  // ---- measuring and correcting ----

  private tick(): void {
    const context = this.audio.context();
    if (!context || context.state !== 'running') {
      // A suspended context's time stands still: its old readings no longer describe it.
      this.readings = [];
      this._errorMs.set(null);
      return;
    }
    const point = this.outputPoint(context);
    const voice = this.voice;
    const playback = this.session.playback();
    const base = this.timeBase();
    const serverNow = this.clock.serverNow();
    if (!voice || !playback || playback.status !== 'playing' || voice.songId !== playback.songId || !base || serverNow === null) {
      this._errorMs.set(null);
      return;
    }
    if (voice.kind === 'buffer') this.correctBuffer(context, voice, playback, point, base, serverNow);
    else this.correctStream(context, voice, playback, base, serverNow);
  }

  private correctBuffer(
    context: AudioContext,
    voice: BufferVoice,
    playback: Playback,
    point: OutputClockPoint,
    base: TimeBase,
    serverNow: number,
  ): void {
    const heard = contextTimeAt(serverNow, point, base);
    const errorMs = (voicePosition(voice, heard) - positionAt(playback, serverNow)) * 1000;
    if (heard < voice.when) {
      // Not audible yet: a clock re-sync since scheduling just moves the start, for free.
      if (Math.abs(errorMs) > RESCHEDULE_MS && voice.when > this.earliest(context)) this.restart(context, playback, false);
      return;
    }
    this.errors = [...this.errors.slice(1 - ERROR_SAMPLES), { at: heard, ms: errorMs }];
    const error = median(this.errors.map((e) => e.ms));
    this._errorMs.set(Math.round(error * 100) / 100);
    const nudgedUntil = voice.nudges.at(-1)?.until ?? -Infinity;
    const settled = this.errors.length === ERROR_SAMPLES && this.errors.every((e) => e.at > nudgedUntil);
    if (!settled || Math.abs(error) <= DEADBAND_MS) return;
    if (Math.abs(error) > REANCHOR_MS) {
      this.restart(context, playback, true);
      return;
    }
    const from = this.earliest(context);
    const rate = error > 0 ? 1 - NUDGE : 1 + NUDGE;
    const until = from + Math.abs(error) / 1000 / NUDGE;
    voice.source.playbackRate.setValueAtTime(rate, from);
    voice.source.playbackRate.setValueAtTime(1, until);
    voice.nudges.push({ from, until, rate });
  }

  /** Replaces the current voice with one started afresh from the room clock. */
  private restart(context: AudioContext, playback: Playback, crossfade: boolean): void {
    const voice = this.voice;
    const base = this.timeBase();
    if (voice?.kind !== 'buffer' || !base || !voice.source.buffer) return;
    this.startBuffer(context, playback, voice.source.buffer, base, crossfade);
  }

  private correctStream(
    context: AudioContext,
    voice: StreamVoice,
    playback: Playback,
    base: TimeBase,
    serverNow: number,
  ): void {
    const element = voice.element;
    const lagS = this.renderToEarMs(context, base) / 1000;
    const expected = positionAt(playback, serverNow);
    if (element.paused) {
      if (voice.timer === undefined || serverNow >= playback.anchor) this.startStream(context, playback, element, base);
      return;
    }
    const errorMs = (element.currentTime - lagS - expected) * 1000;
    this._errorMs.set(Math.round(errorMs * 10) / 10);
    if (Math.abs(errorMs) > STREAM_SEEK_MS) {
      element.playbackRate = 1;
      element.currentTime = expected + lagS;
    } else if (Math.abs(errorMs) > STREAM_DEADBAND_MS) {
      const nudge = Math.min(STREAM_MAX_NUDGE, Math.max(-STREAM_MAX_NUDGE, (errorMs / 1000) * STREAM_GAIN_PER_S));
      element.playbackRate = 1 - nudge;
    } else {
      element.playbackRate = 1;
    }
  }

  // ---- loading ----

  private load(song: Song, audio: SongAudio, context: AudioContext): CacheEntry {
    const cached = this.cache.get(song.id);
    if (cached?.key === audio.key) {
      // Most recently used goes last.
      this.cache.delete(song.id);
      this.cache.set(song.id, cached);
      return cached;
    }
    if (cached) release(cached);
    const entry: CacheEntry = { songId: song.id, key: audio.key, loaded: null };
    this.cache.set(song.id, entry);
    this.evict();
    void loadSong(song, audio, context).then((loaded) => {
      if (this.cache.get(song.id) !== entry) {
        release({ ...entry, loaded });
        return;
      }
      entry.loaded = loaded;
      this.reconcile();
    });
    return entry;
  }

  /** Loads the song after `song`, so the change to it starts without waiting for the network. */
  private prefetchAfter(song: Song, context: AudioContext): void {
    const playlist = this.session.playlist();
    const next = playlist[playlist.findIndex((s) => s.id === song.id) + 1];
    const audio = next ? this.audioOf(next) : null;
    if (next && audio && this.cache.get(next.id)?.key !== audio.key) {
      this.load(next, audio, context);
      // Loading the next song must not count as using it ahead of the current one.
      const current = this.cache.get(song.id);
      if (current) {
        this.cache.delete(song.id);
        this.cache.set(song.id, current);
      }
    }
  }

  private evict(): void {
    const keep = new Set([this.session.playback()?.songId, this.voice?.songId]);
    for (const [songId, entry] of this.cache) {
      if (this.cache.size <= CACHED_SONGS) return;
      if (keep.has(songId)) continue;
      this.cache.delete(songId);
      release(entry);
    }
  }

  // ---- reports ----

  /** Once per loading episode of this membership: the song is decoded and can start on time. */
  private reportReady(playback: Playback): void {
    const songId = playback.songId;
    if (playback.status !== 'loading' || songId === null) return;
    const key = `${this.session.memberId()}|${songId}|${playback.version}`;
    if (key === this.lastReadyKey) return;
    this.lastReadyKey = key;
    void this.socket.request('playback:ready', { songId });
  }

  /** Every listener reports the end; the server advances on the first and ignores the rest. */
  private reportEnded(songId: string): void {
    const playback = this.session.playback();
    if (playback?.status !== 'playing' || playback.songId !== songId) return;
    void this.socket.request('playback:ended', { fromSongId: songId, version: playback.version });
  }

  /** The round trip feeds the room's scheduling lead; the error shows how well this device keeps up. */
  private report(): void {
    const rtt = this.clock.rtt();
    if (rtt === null || !this.session.joined() || !this.socket.isConnected()) return;
    const error = this._errorMs();
    void this.socket.request('sync:report', {
      rtt: Math.min(60_000, Math.max(0, rtt)),
      latencyMs: Math.min(10_000, Math.max(0, this.schedulingLatencyMs())),
      errorMs: error === null ? null : Math.min(60_000, Math.max(-60_000, error)),
    });
  }

  /**
   * How long before a sound must be audible this device has to schedule it: the
   * device's output pipeline (currentTime runs ahead of what is heard), the
   * scheduling margin, and the user's output delay. The room's lead covers it.
   */
  private schedulingLatencyMs(): number {
    const context = this.audio.context();
    const device = context ? Math.max(0, context.currentTime - this.outputPoint(context).contextTime) : 0;
    const base = context ? plausibleLatency(context.baseLatency) : 0;
    return (device + SCHEDULE_MARGIN_S + base) * 1000 + Math.max(0, this.outputDelay.ms());
  }
}

/** The song position a buffer voice outputs at context time `at`, nudges included. */
function voicePosition(voice: BufferVoice, at: number): number {
  let position = voice.offset + (at - voice.when);
  for (const nudge of voice.nudges) {
    const overlap = Math.min(at, nudge.until) - nudge.from;
    if (overlap > 0) position += (nudge.rate - 1) * overlap;
  }
  return position;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Decoded whole when it fits; streamed when too long, or when decoding fails. */
async function loadSong(song: Song, audio: SongAudio, context: AudioContext): Promise<Loaded> {
  if (song.duration <= DECODE_MAX_SECONDS) {
    try {
      return { kind: 'buffer', buffer: await context.decodeAudioData(await bytesOf(audio)) };
    } catch {
      // Fall through: the media element has its own decoders and streams.
    }
  }
  // An own copy streams from an object URL, revoked when the element is released.
  return streamSong(song, audio.kind === 'url' ? audio.url : URL.createObjectURL(audio.file));
}

/** The whole file: fetched from the room, or read from the listener's own copy (no fetch of a blob: URL). */
async function bytesOf(audio: SongAudio): Promise<ArrayBuffer> {
  if (audio.kind === 'file') return audio.file.arrayBuffer();
  const response = await fetch(audio.url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** A media element buffering `song` from `url`, resolved once it can play. */
function streamSong(song: Song, url: string): Promise<Loaded> {
  return new Promise((resolve) => {
    const element = new Audio();
    element.preload = 'auto';
    const done = (loaded: Loaded): void => {
      element.removeEventListener('canplay', onReady);
      element.removeEventListener('error', onError);
      resolve(loaded);
    };
    const onReady = (): void => done({ kind: 'stream', element });
    const onError = (): void => done({ kind: 'failed', message: `“${song.title}” cannot be played on this device.` });
    element.addEventListener('canplay', onReady);
    element.addEventListener('error', onError);
    element.src = url;
  });
}

function release(entry: CacheEntry): void {
  if (entry.loaded?.kind !== 'stream') return;
  const src = entry.loaded.element.src;
  if (src.startsWith('blob:')) URL.revokeObjectURL(src);
  entry.loaded.element.pause();
  entry.loaded.element.removeAttribute('src');
  entry.loaded.element.load();
}
