import type { BatchedEvent, RoomBatch } from '@musync/protocol';

import type { RoomEvent } from './room.state.js';

/**
 * How long a room's broadcasts that can wait are held to share one packet,
 * counted from the first one held (so none waits longer). Filling a room of
 * 2000 sends each member one packet per window instead of about three per join
 * (its presence delta, its "joined" notice, the vote-to-skip count); the figure
 * was picked by measurement (docs/benchmarks.md, "Fan-out": coalesced
 * broadcasts). Nobody sees a presence or notice change a few ms later.
 */
export const BATCH_WINDOW_MS = 10;

/** What goes on the wire for a room: one broadcast as itself, or several as `room:batch`. */
export type RoomPacket = RoomEvent | { readonly name: 'room:batch'; readonly payload: RoomBatch };

/** The timer the batcher holds a room's broadcasts with (node's own; specs drive it by hand). */
export interface BatchTimer {
  start(fire: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
}

const nodeTimer: BatchTimer = {
  start: (fire, ms) => setTimeout(fire, ms).unref(),
  cancel: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Broadcasts that must not wait: playback changes (every listener schedules the
 * audio by them; the sync bench times them) and chat lines people type. A
 * change with one first flushes what the room holds, then goes out at once,
 * whole, so it is never delayed and never overtakes what happened before it.
 */
export function isUrgent(event: RoomEvent): boolean {
  return event.name === 'playback:updated' || (event.name === 'chat:line' && event.payload.kind === 'message');
}

/**
 * Parts sent whole (protocol `supersedes`): a client keeps the newest by `rev`,
 * so within one packet an earlier one is redundant when a later one of the
 * same part is at least as new. Presence deltas and chat lines are never dropped.
 */
const WHOLE_PARTS: ReadonlySet<RoomEvent['name']> = new Set([
  'playlist:updated',
  'settings:updated',
  'requests:updated',
  'skip:updated',
  'copies:updated',
]);

/** A room's held broadcasts, and the promise of their sending that each change held there waits on. */
interface Held {
  readonly events: RoomEvent[];
  readonly timer: unknown;
  readonly sent: Promise<void>;
  readonly done: () => void;
}

/**
 * Coalesces each room's broadcasts: a change whose broadcasts can all wait is
 * held for BATCH_WINDOW_MS with whatever else the room holds, and all of it
 * is sent as one `room:batch` in order (a lone one as itself). A change with
 * an urgent broadcast first sends what the room holds, then goes out at once.
 * `publish` resolves once the change is on the wire, so a command's answer
 * still follows its broadcasts.
 */
export class RoomBatcher {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly send: (roomId: string, packet: RoomPacket) => void,
    private readonly windowMs = BATCH_WINDOW_MS,
    private readonly timer: BatchTimer = nodeTimer,
  ) {}

  /** The broadcasts of one change, in order; resolves once they are sent. */
  publish(roomId: string, events: readonly RoomEvent[]): Promise<void> {
    if (events.some(isUrgent)) {
      this.flush(roomId);
      this.sendNow(roomId, events);
      return Promise.resolve();
    }
    if (events.length === 0) return Promise.resolve();
    const held = this.held.get(roomId) ?? this.hold(roomId);
    held.events.push(...events);
    return held.sent;
  }

  /** Sends what a room holds now. */
  flush(roomId: string): void {
    const held = this.held.get(roomId);
    if (!held) return;
    this.held.delete(roomId);
    this.timer.cancel(held.timer);
    this.send(roomId, packed(held.events));
    held.done();
  }

  /** Sends what every room holds (shutdown). */
  flushAll(): void {
    for (const roomId of [...this.held.keys()]) this.flush(roomId);
  }

  /** How many rooms hold broadcasts. */
  get holding(): number {
    return this.held.size;
  }

  private hold(roomId: string): Held {
    let done = (): void => undefined;
    const sent = new Promise<void>((resolve) => (done = resolve));
    const held = { events: [], timer: this.timer.start(() => this.flush(roomId), this.windowMs), sent, done };
    this.held.set(roomId, held);
    return held;
  }

  /** An urgent change: each urgent broadcast alone, the others between them packed, all at once. */
  private sendNow(roomId: string, events: readonly RoomEvent[]): void {
    let run: RoomEvent[] = [];
    for (const event of events) {
      if (!isUrgent(event)) {
        run.push(event);
        continue;
      }
      if (run.length > 0) this.send(roomId, packed(run));
      run = [];
      this.send(roomId, event);
    }
    if (run.length > 0) this.send(roomId, packed(run));
  }
}

/** One packet for broadcasts that go together: a lone one as itself, several as a batch. */
function packed(events: readonly RoomEvent[]): RoomPacket {
  const kept = withoutSuperseded(events);
  const [lone] = kept;
  return kept.length === 1 && lone ? lone : { name: 'room:batch', payload: { events: kept.map(batched) } };
}

/** Drops a whole part that a later one of the same part, at least as new, replaces anyway. */
function withoutSuperseded(events: readonly RoomEvent[]): RoomEvent[] {
  const newestLater = new Map<RoomEvent['name'], number>();
  const kept: RoomEvent[] = [];
  for (const event of [...events].reverse()) {
    if (WHOLE_PARTS.has(event.name)) {
      const later = newestLater.get(event.name);
      if (later !== undefined && later >= event.payload.rev) continue;
      newestLater.set(event.name, Math.max(later ?? event.payload.rev, event.payload.rev));
    }
    kept.push(event);
  }
  return kept.reverse();
}

function batched(event: RoomEvent): BatchedEvent {
  return [event.name, event.payload] as BatchedEvent;
}
