import { Injectable } from '@nestjs/common';
import { LEAD_CAP_MS, LEAD_FLOOR_MS, LEAD_MARGIN_MS, type TimePing, type TimePong } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';

/** Lead changes smaller than this are not worth a state write. */
const LEAD_STEP_MS = 10;

/** What one member needs to hear of a change in time: its link and its audio device. */
export interface MemberTiming {
  /** Best measured round trip, ms; half of it is taken as the one-way delay. */
  readonly rtt: number;
  /** How long before audibility the device must schedule a sound, ms. */
  readonly latencyMs: number;
}

/**
 * Clock pings, and the adaptive scheduling lead: long enough for the room's
 * slowest member to hear of a change and schedule it before it is due, short
 * enough to feel instant (see `leadFor`).
 */
@Injectable()
export class SyncService {
  /** roomId → memberId → what the member last reported. */
  private readonly timings = new Map<string, Map<string, MemberTiming>>();
  private readonly leads = new Map<string, number>();

  constructor(private readonly clock: ServerClock) {}

  /** `receivedAt` is read as early as possible in the handler; the reply time just before it leaves. */
  pong(ping: TimePing, receivedAt: number): TimePong {
    return { t0: ping.t0, t1: receivedAt, t2: this.clock.now() };
  }

  /** Records a member's timing; returns the room's new lead if it moved enough to matter. */
  report(roomId: string, memberId: string, timing: MemberTiming): number | null {
    const room = this.timings.get(roomId) ?? new Map<string, MemberTiming>();
    this.timings.set(roomId, room.set(memberId, timing));
    return this.updateLead(roomId);
  }

  /** Forgets a member who left; returns the room's new lead if it moved enough to matter. */
  forget(roomId: string, memberId: string): number | null {
    const room = this.timings.get(roomId);
    room?.delete(memberId);
    if (room?.size === 0) {
      // This node's last member left: it no longer needs more than the floor.
      const previous = this.leads.get(roomId) ?? LEAD_FLOOR_MS;
      this.timings.delete(roomId);
      this.leads.delete(roomId);
      return previous > LEAD_FLOOR_MS ? LEAD_FLOOR_MS : null;
    }
    return this.updateLead(roomId);
  }

  private updateLead(roomId: string): number | null {
    const lead = leadFor([...(this.timings.get(roomId)?.values() ?? [])]);
    const previous = this.leads.get(roomId) ?? LEAD_FLOOR_MS;
    if (Math.abs(lead - previous) < LEAD_STEP_MS) return null;
    this.leads.set(roomId, lead);
    return lead;
  }
}

/**
 * lead = clamp(max over members of (rtt / 2 × 1.5 + latencyMs) + margin, floor, cap).
 * The × 1.5 absorbs jitter above the best round trip; the floor covers event-loop
 * latency on a quiet LAN; the cap keeps one member on a terrible link from making
 * the room sluggish (that member starts late, in place, instead).
 */
export function leadFor(members: readonly MemberTiming[]): number {
  const need = Math.max(0, ...members.map((m) => (m.rtt / 2) * 1.5 + m.latencyMs));
  return Math.round(Math.min(LEAD_CAP_MS, Math.max(LEAD_FLOOR_MS, need + LEAD_MARGIN_MS)));
}
