/** What the fan-out bench and its client processes (clients.ts) say to each other. */

/** Marks the bench's chat lines; the rest of the text is the repetition's tag. */
export const FANOUT_PREFIX = 'fanout ';

/** One connection to open: which server, which room, under which name. */
export interface Assignment {
  readonly url: string;
  readonly roomId: string;
  readonly name: string;
}

export type ClientOrder =
  /** Listeners record the bench's chat lines; senders send them (one per room). */
  | { readonly type: 'open'; readonly role: 'listen' | 'send'; readonly assignments: readonly Assignment[] }
  /** Every sender sends `FANOUT_PREFIX + tag` at once. */
  | { readonly type: 'send'; readonly tag: string }
  /** Report `tag` once every listener has it, or after `timeoutMs` with how many did. */
  | { readonly type: 'collect'; readonly tag: string; readonly timeoutMs: number }
  /** Report how many packets and events the listeners received so far (a batch is one packet of several events). */
  | { readonly type: 'count' }
  | { readonly type: 'close' };

export type ClientReport =
  | { readonly type: 'opened' }
  /** `t0`: just before the first send; `refused`: sends the server did not acknowledge with ok. */
  | { readonly type: 'sent'; readonly tag: string; readonly t0: number; readonly refused: number }
  | { readonly type: 'collected'; readonly tag: string; readonly count: number; readonly last: number | null }
  | { readonly type: 'counted'; readonly packets: number; readonly events: number }
  | { readonly type: 'failed'; readonly message: string };

/** Epoch milliseconds, sub-millisecond and comparable across processes on one machine. */
export const epochNow = (): number => performance.timeOrigin + performance.now();
