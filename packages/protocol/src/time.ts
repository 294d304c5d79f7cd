import * as z from 'zod';

/** t0: the client's clock when it sent the ping (echoed back unchanged). */
export const TimePingSchema = z.strictObject({
  t0: z.number().finite(),
});
export type TimePing = z.infer<typeof TimePingSchema>;

/** t1: server clock on receipt; t2: server clock on reply. */
export interface TimePong {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
}

/**
 * What a client measured: its best round trip; how long before a sound must be
 * audible it has to be scheduled (output latency + scheduling margin + the
 * user's output delay), which the room's lead must cover; and, while playing,
 * its playback error.
 */
export const SyncReportSchema = z.strictObject({
  rtt: z.number().finite().nonnegative().max(60_000),
  latencyMs: z.number().finite().nonnegative().max(10_000),
  errorMs: z.number().finite().min(-60_000).max(60_000).nullable(),
});
export type SyncReport = z.infer<typeof SyncReportSchema>;
