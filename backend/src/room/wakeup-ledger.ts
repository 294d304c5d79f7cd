import type { Wakeup } from './room.state.js';

/** A wakeup and the room it is for. */
export interface RoomWakeup {
  readonly roomId: string;
  readonly wakeup: Wakeup;
}

/**
 * Where pending wakeups are kept so each fires exactly once. Every node arms a
 * timer for the wakeups its own commands made; the ledger decides which caller
 * may fire one (`claim`), and in scaled mode keeps them in Redis so a dead
 * node's wakeups are fired by another (`watch`).
 */
export abstract class WakeupLedger {
  abstract record(entry: RoomWakeup): Promise<void>;
  /** True for exactly one caller per recorded wakeup. */
  abstract claim(entry: RoomWakeup): Promise<boolean>;
  /** Calls `fire` for wakeups whose own node did not fire them in time (scaled mode). */
  abstract watch(fire: (entry: RoomWakeup) => Promise<void>): void;
  abstract stop(): void;
}

/** Embedded mode: one process, its own timers are the ledger. */
export class LocalWakeupLedger extends WakeupLedger {
  record(): Promise<void> {
    return Promise.resolve();
  }

  claim(): Promise<boolean> {
    return Promise.resolve(true);
  }

  watch(): void {
    // Nothing to watch: this process's timers fire every wakeup it has.
  }

  stop(): void {
    // No poller to stop.
  }
}
