import type { AckCallback } from './errors.js';
import type {
  ControlRequest,
  Playback,
  PlaybackResult,
  RemoveSongRequest,
  RoomSettings,
  SeekRequest,
  SelectRequest,
  SettingsRequest,
  SkipRequest,
  Song,
  SongReadyRequest,
  SongStepRequest,
} from './playback.js';
import type { JoinRequest, JoinResult, Presence } from './room.js';
import type { SyncReport, TimePing, TimePong } from './time.js';
import type {
  UploadChunkRequest,
  UploadChunkResult,
  UploadFinishResult,
  UploadRef,
  UploadStartRequest,
  UploadStartResult,
  UploadStatusResult,
} from './upload.js';

/** Commands a client sends; each is acknowledged. */
export interface ClientToServerEvents {
  'room:join': (request: JoinRequest, ack: AckCallback<JoinResult>) => void;
  'room:configure': (request: SettingsRequest, ack: AckCallback<{ settings: RoomSettings }>) => void;
  'time:ping': (ping: TimePing, ack: AckCallback<TimePong>) => void;
  /** The client's measured round trip and playback error, for the adaptive lead and the room's view. */
  'sync:report': (report: SyncReport, ack: AckCallback) => void;
  'playback:play': (request: ControlRequest, ack: AckCallback<PlaybackResult>) => void;
  'playback:pause': (request: ControlRequest, ack: AckCallback<PlaybackResult>) => void;
  'playback:next': (request: SongStepRequest, ack: AckCallback<PlaybackResult>) => void;
  'playback:previous': (request: SongStepRequest, ack: AckCallback<PlaybackResult>) => void;
  /** The client heard the song end; the first report advances, the rest change nothing. */
  'playback:ended': (request: SongStepRequest, ack: AckCallback<PlaybackResult>) => void;
  /** Relative jump (the ±10 s buttons). */
  'playback:skip': (request: SkipRequest, ack: AckCallback<PlaybackResult>) => void;
  /** Absolute jump (the progress bar): admin only. */
  'playback:seek': (request: SeekRequest, ack: AckCallback<PlaybackResult>) => void;
  'playback:select': (request: SelectRequest, ack: AckCallback<PlaybackResult>) => void;
  /** This client has the song decoded and can start it on time. */
  'playback:ready': (request: SongReadyRequest, ack: AckCallback) => void;
  /** Admin only. Removes a song from the playlist; its file goes once no room lists it. */
  'playlist:remove': (request: RemoveSongRequest, ack: AckCallback) => void;
  /** Admin only. Starts an upload, or resumes the room's unfinished one with the same name, size and sha256. */
  'upload:start': (request: UploadStartRequest, ack: AckCallback<UploadStartResult>) => void;
  /** One piece (≤ CHUNK_SIZE bytes, binary) at the next offset; acked once written. */
  'upload:chunk': (request: UploadChunkRequest, ack: AckCallback<UploadChunkResult>) => void;
  'upload:status': (request: UploadRef, ack: AckCallback<UploadStatusResult>) => void;
  /** Checks, stores and adds the song to the playlist. */
  'upload:finish': (request: UploadRef, ack: AckCallback<UploadFinishResult>) => void;
  'upload:cancel': (request: UploadRef, ack: AckCallback) => void;
}

/** Broadcasts the server sends. */
export interface ServerToClientEvents {
  'presence:updated': (presence: Presence) => void;
  'playback:updated': (playback: Playback) => void;
  'playlist:updated': (playlist: { readonly songs: readonly Song[] }) => void;
  'settings:updated': (settings: RoomSettings) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** The payload of a server broadcast. */
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
