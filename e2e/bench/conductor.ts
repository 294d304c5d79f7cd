import {
  presenceView,
  READY_BARRIER_MS,
  receivePresence,
  relayBatches,
  type Ack,
  type ClientToServerEvents,
  type Playback,
  type PlaybackResult,
  type PresenceDelta,
  type PresenceView,
  type ServerToClientEvents,
} from '@musync/protocol';
import { io, type Socket } from 'socket.io-client';

type ConductorSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;

/** A playback change the conductor made: when it was asked for and when it is due (true epoch ms). */
export interface Change {
  readonly sentAt: number;
  readonly dueAt: number;
  readonly playback: Playback;
}

/** The true epoch clock of this process (the server's clock is the same kind). */
export const trueNow = (): number => performance.timeOrigin + performance.now();

/**
 * The room's first member (so its admin), connected straight to the server:
 * it issues the playback commands of the bench script and, being a member,
 * answers every song change's ready barrier at once so it never holds one up.
 * It never sends sync:report, so it does not move the room's scheduling lead.
 */
export class Conductor {
  private playback: Playback | null = null;
  private presence: PresenceView | null = null;
  private readonly waiters = new Set<() => void>();

  private readonly socket: ConductorSocket;

  private constructor(socket: ConductorSocket) {
    this.socket = socket;
    relayBatches(socket); // presence deltas may come several to a `room:batch`
    socket.on('playback:updated', (playback) => {
      this.playback = playback;
      if (playback.status === 'loading' && playback.songId) {
        socket.emit('playback:ready', { songId: playback.songId }, () => undefined);
      }
      this.notify();
    });
    const take = (delta: PresenceDelta): void => {
      if (this.presence) this.presence = receivePresence(this.presence, delta);
      this.notify();
    };
    socket.on('presence:joined', (d) => take({ kind: 'joined', ...d }));
    socket.on('presence:left', (d) => take({ kind: 'left', ...d }));
    socket.on('presence:changed', (d) => take({ kind: 'changed', ...d }));
  }

  static async join(serverUrl: string, roomId: string): Promise<Conductor> {
    const socket: ConductorSocket = io(serverUrl, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const conductor = new Conductor(socket);
    const joined = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:join', { roomId, username: 'Conductor' });
    if (!joined.ok) throw new Error(`conductor could not join ${roomId}: ${joined.error.message}`);
    if (joined.presence.adminId !== joined.memberId) throw new Error(`conductor is not the admin of ${roomId}`);
    conductor.playback = joined.playback;
    conductor.presence = presenceView(joined.presence, joined.rev);
    return conductor;
  }

  get members(): number {
    return this.presence?.presence.members.length ?? 0;
  }

  get current(): Playback | null {
    return this.playback;
  }

  play(): Promise<Change> {
    return this.command(() => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('playback:play', {}));
  }

  pause(): Promise<Change> {
    return this.command(() => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('playback:pause', {}));
  }

  skip(by: number): Promise<Change> {
    return this.command(() => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('playback:skip', { by }));
  }

  seek(position: number): Promise<Change> {
    return this.command(() => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('playback:seek', { position }));
  }

  next(): Promise<Change> {
    const fromSongId = this.playback?.songId;
    if (!fromSongId) throw new Error('next: no song is on');
    return this.command(() => this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('playback:next', { fromSongId }));
  }

  /**
   * Runs one command and returns when its change is due: the anchor of the state it
   * leads to (for a song change, of the `playing` state after the ready barrier).
   */
  private async command(send: () => Promise<Ack<PlaybackResult>>): Promise<Change> {
    const sentAt = trueNow();
    const ack = await send();
    if (!ack.ok) throw new Error(`command refused: ${ack.error.code} ${ack.error.message}`);
    let playback = ack.playback;
    if (playback.status === 'loading') {
      const version = playback.version;
      playback = await this.until((p) => p.version > version && p.status !== 'loading', READY_BARRIER_MS + 5_000, 'the song to start');
    }
    return { sentAt, dueAt: playback.anchor, playback };
  }

  /** Resolves with the first playback state that satisfies `accept`. */
  async until(accept: (playback: Playback) => boolean, timeoutMs: number, what: string): Promise<Playback> {
    return this.wait(() => (this.playback && accept(this.playback) ? this.playback : null), timeoutMs, what);
  }

  /** Resolves once the room has `count` members (the conductor included). */
  async untilMembers(count: number, timeoutMs: number): Promise<void> {
    await this.wait(() => (this.members >= count ? true : null), timeoutMs, `${count} members`);
  }

  close(): void {
    this.socket.disconnect();
  }

  private wait<T>(check: () => T | null, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        const value = check();
        if (value === null) return;
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(done);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(done);
      done();
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
