import { Injectable } from '@nestjs/common';
import { LEAD_CAP_MS, LEAD_FLOOR_MS, LEAD_MARGIN_MS, type TimePing, type TimePong } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';

/** Lead changes smaller than this are not worth a state write. */
const LEAD_STEP_MS = 10;

/**
 * Clock pings, and the adaptive scheduling lead: long enough for the room's
 * slowest member to hear of a change before it is due, short enough to feel
 * instant. lead = clamp(max one-way delay × 1.5 + margin, floor, cap), with the
 * one-way delay taken as half of each member's best measured round trip.
 */
@Injectable()
export class SyncService {
  /** roomId → memberId → best round trip the member reported (ms). */
  private readonly roundTrips = new Map<string, Map<string, number>>();
  private readonly leads = new Map<string, number>();

  constructor(private readonly clock: ServerClock) {}

  /** `receivedAt` is read as early as possible in the handler; the reply time just before it leaves. */
  pong(ping: TimePing, receivedAt: number): TimePong {
    return { t0: ping.t0, t1: receivedAt, t2: this.clock.now() };
  }

  /** Records a member's round trip; returns the room's new lead if it moved enough to matter. */
  report(roomId: string, memberId: string, rtt: number): number | null {
    const room = this.roundTrips.get(roomId) ?? new Map<string, number>();
    this.roundTrips.set(roomId, room.set(memberId, rtt));
    return this.updateLead(roomId);
  }

  /** Forgets a member who left; returns the room's new lead if it moved enough to matter. */
  forget(roomId: string, memberId: string): number | null {
    const room = this.roundTrips.get(roomId);
    room?.delete(memberId);
    if (room?.size === 0) {
      this.roundTrips.delete(roomId);
      this.leads.delete(roomId);
      return null;
    }
    return this.updateLead(roomId);
  }

  private updateLead(roomId: string): number | null {
    const lead = leadFor([...(this.roundTrips.get(roomId)?.values() ?? [])]);
    const previous = this.leads.get(roomId) ?? LEAD_FLOOR_MS;
    if (Math.abs(lead - previous) < LEAD_STEP_MS) return null;
    this.leads.set(roomId, lead);
    return lead;
  }
}

export function leadFor(roundTrips: readonly number[]): number {
  const oneWay = Math.max(0, ...roundTrips) / 2;
  return Math.round(Math.min(LEAD_CAP_MS, Math.max(LEAD_FLOOR_MS, oneWay * 1.5 + LEAD_MARGIN_MS)));
}
