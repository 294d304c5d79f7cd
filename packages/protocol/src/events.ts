import type { ChatLine, ChatSendRequest, ChatSendResult } from './chat.js';
import type { AdminClaimRequest } from './access.js';
import type { RoomBatch } from './batch.js';
import type { AckCallback } from './errors.js';
import type { AddLocalSongRequest, AddLocalSongResult, CopiesReport, LocalCopies } from './local-songs.js';
import type {
  ControlRequest,
  Playback,
  PlaybackResult,
  MoveSongRequest,
  RemoveSongRequest,
  RoomSettings,
  SeekRequest,
  SelectRequest,
  SettingsRequest,
  SkipRequest,
  SkipVotes,
  VoteSkipRequest,
  Song,
  SongReadyRequest,
  SongStepRequest,
} from './playback.js';
import type {
  RequestApprove,
  RequestCreate,
  RequestFulfil,
  RequestRef,
  RequestReject,
  RequestResult,
  SongRequest,
} from './requests.js';
import type { PresenceChanged, PresenceJoined, PresenceLeft, Revised, SnapshotRequest } from './revision.js';
import type { JoinRequest, JoinResult, Presence, RoomSnapshot } from './room.js';
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
  'room:configure': (request: SettingsRequest, ack: AckCallback<{ settings: RoomSettings; rev: number }>) => void;
  /** Proves the server's ADMIN_PASSWORD: the sender becomes the room's admin (and may be promoted later). */
  'admin:claim': (request: AdminClaimRequest, ack: AckCallback<{ presence: Presence }>) => void;
  /** The whole room again (a resync), for a client whose presence deltas left a gap that did not fill. */
  'room:snapshot': (request: SnapshotRequest, ack: AckCallback<RoomSnapshot>) => void;
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
  /** Anyone may vote once per song; reaching the room's threshold skips it. */
  'playback:vote-skip': (request: VoteSkipRequest, ack: AckCallback<{ skip: SkipVotes }>) => void;
  'chat:send': (request: ChatSendRequest, ack: AckCallback<ChatSendResult>) => void;
  'requests:create': (request: RequestCreate, ack: AckCallback<RequestResult>) => void;
  /** +1 a pending request; one vote per person. */
  'requests:vote': (request: RequestRef, ack: AckCallback<RequestResult>) => void;
  /** The requester takes back their own pending request. */
  'requests:withdraw': (request: RequestRef, ack: AckCallback<RequestResult>) => void;
  /** Admin only. */
  'requests:approve': (request: RequestApprove, ack: AckCallback<RequestResult>) => void;
  /** Admin only. */
  'requests:reject': (request: RequestReject, ack: AckCallback<RequestResult>) => void;
  /** Admin only: an approved request is fulfilled by a song in the playlist. */
  'requests:fulfil': (request: RequestFulfil, ack: AckCallback<RequestResult>) => void;
  /** Admin only. Removes a song from the playlist; its file goes once no room lists it. */
  'playlist:remove': (request: RemoveSongRequest, ack: AckCallback) => void;
  /** Adds a "bring your own copy" song (the admin, or everyone if the room's `addSongs` allows). No bytes are sent. */
  'playlist:add-local': (request: AddLocalSongRequest, ack: AckCallback<AddLocalSongResult>) => void;
  /** The fingerprints of every own-copy file this member's browser holds (the whole set, replacing the last). */
  'copies:report': (report: CopiesReport, ack: AckCallback<{ copies: LocalCopies }>) => void;
  /** Admin only. Moves a song to another place in the playlist, for everyone (playlist:updated). */
  'playlist:move': (request: MoveSongRequest, ack: AckCallback) => void;
  /** Admin only. Starts an upload, or resumes the room's unfinished one with the same name, size and sha256. */
  'upload:start': (request: UploadStartRequest, ack: AckCallback<UploadStartResult>) => void;
  /** One piece (≤ CHUNK_SIZE bytes, binary) at the next offset; acked once written. */
  'upload:chunk': (request: UploadChunkRequest, ack: AckCallback<UploadChunkResult>) => void;
  'upload:status': (request: UploadRef, ack: AckCallback<UploadStatusResult>) => void;
  /** Checks, stores and adds the song to the playlist. */
  'upload:finish': (request: UploadRef, ack: AckCallback<UploadFinishResult>) => void;
  'upload:cancel': (request: UploadRef, ack: AckCallback) => void;
}

/**
 * Broadcasts the server sends. Each carries `rev`, the room's revision after the
 * change it reports: a client keeps, per part, the newest it has seen (see
 * revision.ts). Presence comes as deltas chained by `since`.
 */
export interface ServerToClientEvents {
  'presence:joined': (delta: PresenceJoined) => void;
  'presence:left': (delta: PresenceLeft) => void;
  'presence:changed': (delta: PresenceChanged) => void;
  'playback:updated': (playback: Playback & Revised) => void;
  'playlist:updated': (playlist: { readonly songs: readonly Song[] } & Revised) => void;
  'settings:updated': (settings: RoomSettings & Revised) => void;
  'chat:line': (line: ChatLine & Revised) => void;
  /** The room's requests, whole, in `sortRequests` order. */
  'requests:updated': (update: { readonly requests: readonly SongRequest[] } & Revised) => void;
  'skip:updated': (skip: SkipVotes & Revised) => void;
  /** Who holds a copy of each own-copy song, whenever that changed. */
  'copies:updated': (update: { readonly copies: LocalCopies } & Revised) => void;
  /** Several of the broadcasts above, of one room, in one packet and in order (batch.ts). */
  'room:batch': (batch: RoomBatch) => void;
}

export type ClientEventName = keyof ClientToServerEvents;
export type ServerEventName = keyof ServerToClientEvents;

/** The payload of a server broadcast. */
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
