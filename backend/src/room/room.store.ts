import type { Actor, AppliedResult, RoomCommand, RoomState } from './room.state.js';

/**
 * Where room state lives. Implementations apply the reducer atomically per
 * room, so two commands can never interleave a half-applied change.
 */
export abstract class RoomStore {
  /** Applies one command to the room (created empty if new) and stores the result. */
  abstract apply(roomId: string, command: RoomCommand, actor: Actor): Promise<AppliedResult>;
  abstract get(roomId: string): Promise<RoomState | null>;
  /** Whether any room, loaded or only kept on disk, lists the song. */
  abstract songInUse(songId: string): Promise<boolean>;
  /** Resolves when the store can take writes (readiness); throws, saying why, when it cannot. */
  abstract ready(): Promise<void>;
}
