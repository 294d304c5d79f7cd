import {
  ErrorCode,
  LEAD_CAP_MS,
  LEAD_FLOOR_MS,
  PREVIOUS_RESTARTS_AFTER_SECONDS,
  READY_BARRIER_MS,
  positionAt,
  type Playback,
  type Song,
} from '@musync/protocol';

import { DomainError } from '../common/domain-error.js';
import { copiesSettled } from './local-songs.rules.js';
import {
  requireAdmin,
  requireMember,
  requireSystem,
  unchanged,
  type Actor,
  type RoomResult,
  type RoomState,
  type Rules,
  type Wakeup,
} from './room.state.js';

/** A client's end-of-song report counts within this many seconds of the true end. */
const ENDED_TOLERANCE_SECONDS = 1;
/** The server advances by itself this long after a song should have ended, if no client said so. */
const AUTO_ADVANCE_GRACE_MS = 1500;

interface Versioned {
  readonly version?: number | undefined;
}

export type PlaybackCommand =
  | ({ readonly type: 'playback:play' } & Versioned)
  | ({ readonly type: 'playback:pause' } & Versioned)
  | ({ readonly type: 'playback:next'; readonly fromSongId: string } & Versioned)
  | ({ readonly type: 'playback:previous'; readonly fromSongId: string } & Versioned)
  | ({ readonly type: 'playback:ended'; readonly fromSongId: string } & Versioned)
  | ({ readonly type: 'playback:skip'; readonly by: number } & Versioned)
  | ({ readonly type: 'playback:seek'; readonly position: number } & Versioned)
  | ({ readonly type: 'playback:select'; readonly songId: string } & Versioned)
  | { readonly type: 'playback:ready'; readonly songId: string }
  | { readonly type: 'playback:barrier-expired'; readonly songId: string; readonly version: number }
  /** `source`: the node whose members measured it (each node sees only its own members). */
  | { readonly type: 'sync:lead'; readonly leadMs: number; readonly source: string };

/**
 * Playback rules. Everyone may play, pause, next, previous, ±10 s and select
 * (unless the room restricts control to the admin); only the admin seeks with
 * the progress bar. Every change takes effect `leadMs` in the future.
 */
export const playbackRules: Rules<PlaybackCommand> = {
  'playback:play': (state, command, actor, now) => {
    requireControl(state, actor, command);
    const first = state.playlist[0];
    if (!first) throw new DomainError(ErrorCode.PLAYLIST_EMPTY, 'The playlist is empty: add a song first.');
    const song = currentSong(state);
    if (!song) return changeSong(state, first, now);
    if (state.playback.status !== 'paused') return unchanged(state);
    return withPlayback(state, { status: 'playing', position: state.playback.position, anchor: now + state.leadMs }, now);
  },

  'playback:pause': (state, command, actor, now) => {
    requireControl(state, actor, command);
    if (state.playback.status === 'paused') return unchanged(state);
    const at = now + state.leadMs;
    const position = clampToSong(state, positionAt(state.playback, at));
    return withPlayback(state, { status: 'paused', position, anchor: at }, now);
  },

  'playback:next': (state, command, actor, now) => {
    requireControl(state, actor, command);
    if (command.fromSongId !== state.playback.songId) return unchanged(state); // someone was first
    return advance(state, now);
  },

  'playback:previous': (state, command, actor, now) => {
    requireControl(state, actor, command);
    if (command.fromSongId !== state.playback.songId) return unchanged(state);
    const index = state.playlist.findIndex((s) => s.id === state.playback.songId);
    const heard = positionAt(state.playback, now + state.leadMs);
    const previous = state.playlist[index - 1];
    if (heard > PREVIOUS_RESTARTS_AFTER_SECONDS || !previous) return moveTo(state, 0, now);
    return changeSong(state, previous, now);
  },

  'playback:ended': (state, command, actor, now) => {
    if (actor !== 'system') requireMember(state, actor);
    const song = currentSong(state);
    const reachedEnd =
      song !== null &&
      command.fromSongId === song.id &&
      state.playback.status === 'playing' &&
      (command.version === undefined || command.version === state.playback.version) &&
      positionAt(state.playback, now) >= song.duration - ENDED_TOLERANCE_SECONDS;
    // Every listener reports the end; the first real one advances, the rest change nothing.
    return reachedEnd ? advance(state, now) : unchanged(state);
  },

  'playback:skip': (state, command, actor, now) => {
    requireControl(state, actor, command);
    const song = requireCurrentSong(state);
    const target = Math.max(0, positionAt(state.playback, now + state.leadMs) + command.by);
    if (target >= song.duration) return advance(state, now);
    return moveTo(state, target, now);
  },

  'playback:seek': (state, command, actor, now) => {
    requireAdmin(state, actor, 'seek with the progress bar');
    checkVersion(state, command.version);
    const song = requireCurrentSong(state);
    if (command.position >= song.duration) {
      throw new DomainError(
        ErrorCode.POSITION_OUT_OF_RANGE,
        `Position ${command.position.toFixed(1)} s is past the end of the song (${song.duration.toFixed(1)} s).`,
      );
    }
    return moveTo(state, command.position, now);
  },

  'playback:select': (state, command, actor, now) => {
    requireControl(state, actor, command);
    const song = state.playlist.find((s) => s.id === command.songId);
    if (!song) throw new DomainError(ErrorCode.SONG_NOT_FOUND, 'That song is not in the playlist.');
    return changeSong(state, song, now);
  },

  'playback:ready': (state, command, actor, now) => {
    const member = requireMember(state, actor);
    if (command.songId !== state.playback.songId || state.readyIds.includes(member.id)) return unchanged(state);
    return readyForAll({ ...state, readyIds: [...state.readyIds, member.id] }, now);
  },

  'playback:barrier-expired': (state, command, actor, now) => {
    requireSystem(actor, 'end the ready barrier');
    const { playback } = state;
    if (playback.status !== 'loading' || playback.songId !== command.songId || playback.version !== command.version) {
      return unchanged(state);
    }
    // A room that waits for own copies keeps waiting past the barrier; the last copy starts it.
    if (!copiesSettled(state)) return unchanged(state);
    return start(state, now);
  },

  'sync:lead': (state, command, actor) => {
    requireSystem(actor, 'set the scheduling lead');
    // The room's lead covers the slowest member on any node; a node needing only the floor drops out.
    const others = Object.fromEntries(Object.entries(state.leads).filter(([source]) => source !== command.source));
    const wanted = Math.min(LEAD_CAP_MS, Math.max(LEAD_FLOOR_MS, command.leadMs));
    const leads = wanted > LEAD_FLOOR_MS ? { ...others, [command.source]: wanted } : others;
    const leadMs = Math.max(LEAD_FLOOR_MS, ...Object.values(leads));
    return { state: { ...state, leads, leadMs }, events: [], wakeups: [] };
  },
};

/**
 * Starts a loading song once every present member has it loaded (or its barrier
 * deadline, `anchor`, passed) and, in a room that waits for own copies, every
 * present member holds one; else waits for the rest.
 */
export function readyForAll(state: RoomState, now: number): RoomResult {
  const everyoneReady = state.members.every((m) => state.readyIds.includes(m.id)) || now >= state.playback.anchor;
  if (state.playback.status !== 'loading' || !everyoneReady || !copiesSettled(state)) return unchanged(state);
  return start(state, now);
}

/** Puts `song` on, waiting (at most READY_BARRIER_MS) for every member to load it. */
export function changeSong(state: RoomState, song: Song, now: number): RoomResult {
  return withPlayback(newSong(state), { songId: song.id, status: 'loading', position: 0, anchor: now + READY_BARRIER_MS }, now);
}

/** The next song, or, after the last, the playlist rewound to its first song and paused. */
export function advance(state: RoomState, now: number): RoomResult {
  const index = state.playlist.findIndex((s) => s.id === state.playback.songId);
  const next = state.playlist[index + 1];
  return next ? changeSong(state, next, now) : cue(state, state.playlist[0] ?? null, false, now);
}

/** Puts `song` on: playing (through the ready barrier) or paused at its start; nothing if null. */
export function cue(state: RoomState, song: Song | null, play: boolean, now: number): RoomResult {
  if (song && play) return changeSong(state, song, now);
  return withPlayback(newSong(state), { songId: song?.id ?? null, status: 'paused', position: 0, anchor: now }, now);
}

/** What every song change (even to the same song again) starts afresh: who has it loaded, who voted to skip it. */
function newSong(state: RoomState): RoomState {
  return { ...state, readyIds: [], skipVotes: [] };
}

/** Starts the loading song; what was made on its loading view still counts (checkVersion). */
function start(state: RoomState, now: number): RoomResult {
  const started = withPlayback(state, { status: 'playing', position: state.playback.position, anchor: now + state.leadMs }, now);
  return { ...started, state: { ...started.state, startedFrom: state.playback.version } };
}

/** Jumps within the current song, keeping its status. */
function moveTo(state: RoomState, position: number, now: number): RoomResult {
  const anchor = state.playback.status === 'loading' ? state.playback.anchor : now + state.leadMs;
  return withPlayback(state, { position, anchor }, now);
}

/** Applies a playback change: bumps the version, tells the room, and asks for the timers it implies. */
function withPlayback(state: RoomState, change: Partial<Omit<Playback, 'version'>>, now: number): RoomResult {
  const playback: Playback = { ...state.playback, ...change, version: state.playback.version + 1 };
  const next = { ...state, playback, startedFrom: null };
  const wakeups: Wakeup[] = [];
  const song = currentSong(next);
  if (playback.status === 'loading' && song) {
    wakeups.push({
      at: playback.anchor,
      command: { type: 'playback:barrier-expired', songId: song.id, version: playback.version },
    });
  }
  if (playback.status === 'playing' && song) {
    const endsAt = playback.anchor + (song.duration - playback.position) * 1000;
    wakeups.push({
      at: Math.max(now, endsAt) + AUTO_ADVANCE_GRACE_MS,
      command: { type: 'playback:ended', fromSongId: song.id, version: playback.version },
    });
  }
  return { state: next, events: [{ name: 'playback:updated', payload: playback }], wakeups };
}

function requireControl(state: RoomState, actor: Actor, command: Versioned): void {
  const member = actor === 'system' ? null : requireMember(state, actor);
  if (member && state.settings.control === 'admin' && state.adminId !== member.id) {
    throw new DomainError(ErrorCode.CONTROL_RESTRICTED, 'In this room only the admin controls playback.');
  }
  checkVersion(state, command.version);
}

/**
 * Refuses a command made on a playback view that has changed since (someone was
 * first), unless the only change was the start of the song the view showed
 * loading: +10 s, pause or a seek pressed while it loaded mean the same once it
 * plays, and the start is no one's decision to be first to.
 */
function checkVersion(state: RoomState, version: number | undefined): void {
  // The start is always the one change after the loading view, so only version − 1 qualifies
  // (a field a node of the release before kept unchanged through later changes never does).
  const loadingView = state.startedFrom === state.playback.version - 1 ? state.startedFrom : null;
  if (version !== undefined && version !== state.playback.version && version !== loadingView) {
    throw new DomainError(ErrorCode.STALE_STATE, 'The room changed in the meantime; try again.');
  }
}

export function currentSong(state: RoomState): Song | null {
  return state.playlist.find((s) => s.id === state.playback.songId) ?? null;
}

function requireCurrentSong(state: RoomState): Song {
  const song = currentSong(state);
  if (!song) throw new DomainError(ErrorCode.PLAYLIST_EMPTY, 'No song is on.');
  return song;
}

function clampToSong(state: RoomState, position: number): number {
  const song = currentSong(state);
  return Math.max(0, song ? Math.min(position, song.duration) : position);
}
