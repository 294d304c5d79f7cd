import { createHash, randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { JoinResult, Presence, RoomSnapshot, SettingsRequest } from '@musync/protocol';

import { ServerClock } from '../clock/server-clock.js';
import { AppConfig } from '../config/config.module.js';
import { Broadcaster } from './broadcaster.js';
import { RoomStore } from './room.store.js';
import { emptyRoom, presenceOf, snapshotOf, type Actor, type AdminRule, type RoomCommand, type RoomState } from './room.state.js';
import { seal, type SealedSecret } from './secret.js';
import { WakeupLedger, type RoomWakeup } from './wakeup-ledger.js';

/** Who is acting: a joined connection's room and member. */
export interface MemberRef {
  readonly roomId: string;
  readonly memberId: string;
}

/**
 * Runs room commands: applies them through the store (atomically per room),
 * tells the room what changed, and schedules the wakeups the reducer asked for.
 */
@Injectable()
export class RoomService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RoomService.name);
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<RoomState>>();
  /** Set on shutdown: commands still finishing (disconnects) must not arm new timers. */
  private closed = false;
  /** ADMIN_PASSWORD, kept only sealed (the reducer compares claims with it in constant time). */
  private readonly adminPassword: SealedSecret | null;
  private readonly adminRule: AdminRule;

  constructor(
    private readonly store: RoomStore,
    private readonly broadcaster: Broadcaster,
    private readonly clock: ServerClock,
    private readonly config: AppConfig,
    private readonly ledger: WakeupLedger,
  ) {
    this.adminPassword = config.ADMIN_PASSWORD ? seal(config.ADMIN_PASSWORD) : null;
    this.adminRule = this.adminPassword ? 'password' : 'first-come';
  }

  onApplicationBootstrap(): void {
    this.ledger.watch((entry) => this.fire(entry));
  }

  async join(roomId: string, name: string, token: string | null, passcode: string | null): Promise<JoinResult> {
    const memberId = randomUUID();
    const personId = token ? personIdOf(token) : memberId;
    const join = { type: 'member:join', name, token, personId, passcode, adminRule: this.adminRule } as const;
    const state = await this.run(roomId, join, { memberId });
    const joined = state.members.find((m) => m.id === memberId)?.name ?? name;
    return { memberId, personId, name: joined, adminClaimable: this.adminPassword !== null, ...snapshotOf(state) };
  }

  /** The room as it is now (a client's resync). */
  async snapshot(roomId: string): Promise<RoomSnapshot> {
    return snapshotOf((await this.store.get(roomId)) ?? emptyRoom(roomId, this.config.CHAT_HISTORY));
  }

  async leave(roomId: string, memberId: string, graceMs = this.config.ADMIN_GRACE_MS): Promise<void> {
    await this.run(roomId, { type: 'member:leave', graceMs, adminRule: this.adminRule }, { memberId });
  }

  /** `admin:claim`: the reducer checks the password against ADMIN_PASSWORD and crowns the claimer. */
  async claimAdmin(who: MemberRef, password: string): Promise<Presence> {
    return presenceOf(await this.runAs(who, { type: 'admin:claim', password, adminPassword: this.adminPassword }));
  }

  /** `room:configure`: a new passcode is sealed here, so the reducer only ever sees it salted. */
  configure(who: MemberRef, { passcode, ...settings }: SettingsRequest): Promise<RoomState> {
    return this.runAs(who, { type: 'room:configure', ...settings, passcode: passcode === undefined || passcode === null ? passcode : seal(passcode) });
  }

  /** Applies a member's command. */
  runAs(who: MemberRef, command: RoomCommand): Promise<RoomState> {
    return this.run(who.roomId, command, { memberId: who.memberId });
  }

  /** Applies one command and returns the room as it is afterwards. */
  run(roomId: string, command: RoomCommand, actor: Actor): Promise<RoomState> {
    const running = this.apply(roomId, command, actor);
    this.running.add(running);
    const forget = (): boolean => this.running.delete(running);
    running.then(forget, forget);
    return running;
  }

  /**
   * Resolves once no command is being applied and every broadcast held to
   * share a packet is sent (graceful shutdown: the leaves of drained
   * connections are stored and told to the room before the store closes).
   */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
    this.broadcaster.flush();
  }

  private async apply(roomId: string, command: RoomCommand, actor: Actor): Promise<RoomState> {
    const { state, events, wakeups } = await this.store.apply(roomId, command, actor);
    const told = this.broadcaster.publish(roomId, events);
    for (const wakeup of wakeups) this.schedule({ roomId, wakeup });
    // The answer follows the broadcasts (held a few ms at most: RoomBatcher), as a
    // client that acts on its ack expects the room to have heard of it too.
    await told;
    return state;
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.ledger.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  // Wakeup commands check the state they were made for (song id, version, token),
  // so a stale one changes nothing and none needs cancelling. The ledger makes sure
  // one node fires each (and fires a dead node's).
  private schedule(entry: RoomWakeup): void {
    if (this.closed) return;
    this.ledger
      .record(entry)
      .catch((error: unknown) => this.logger.warn(`wakeup not recorded: ${(error as Error).message}`));
    this.arm(entry);
  }

  private arm(entry: RoomWakeup): void {
    if (this.closed) return;
    // Timers count from the event loop's cached time and can fire a few ms before
    // `at` by the server clock; a wakeup that is not due yet is simply re-armed.
    const remaining = entry.wakeup.at - this.clock.now();
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (this.clock.now() < entry.wakeup.at) return this.arm(entry);
        this.ledger
          .claim(entry)
          .then((mine) => (mine ? this.fire(entry) : undefined))
          .catch((error: unknown) => this.logger.warn(`wakeup not claimed: ${(error as Error).message}`));
      },
      Math.max(0, Math.ceil(remaining)),
    );
    timer.unref(); // the server's sockets keep the process alive; a pending wakeup alone must not
    this.timers.add(timer);
  }

  private async fire({ roomId, wakeup }: RoomWakeup): Promise<void> {
    await this.run(roomId, wakeup.command, 'system').catch((error: unknown) =>
      this.logger.error(`wakeup ${wakeup.command.type} in ${roomId} failed`, error),
    );
  }
}

/**
 * A person's id from their browser's token: stable across reloads and restarts,
 * safe to broadcast (64 bits of its SHA-256; the token itself stays secret).
 */
function personIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex').slice(0, 16);
}
