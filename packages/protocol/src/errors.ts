/** Stable error codes carried by failed acks. Clients may switch on them. */
export const ErrorCode = {
  /** The payload does not match the event's schema. */
  INVALID_PAYLOAD: 'INVALID_PAYLOAD',
  /** The event needs a joined room and the socket has none. */
  NOT_JOINED: 'NOT_JOINED',
  /** The socket already joined a room; one room per connection. */
  ALREADY_JOINED: 'ALREADY_JOINED',
  /** Only the room's admin may do this. */
  NOT_ADMIN: 'NOT_ADMIN',
  /** Nobody may do this from a client (server-internal commands). */
  FORBIDDEN: 'FORBIDDEN',
  /** The room lets only the admin control playback. */
  CONTROL_RESTRICTED: 'CONTROL_RESTRICTED',
  /** No song with that id in this room's playlist. */
  SONG_NOT_FOUND: 'SONG_NOT_FOUND',
  /** A playlist place past the end of the playlist. */
  PLAYLIST_INDEX_OUT_OF_RANGE: 'PLAYLIST_INDEX_OUT_OF_RANGE',
  /** The playlist is empty. */
  PLAYLIST_EMPTY: 'PLAYLIST_EMPTY',
  /** A seek position past the end of the song. */
  POSITION_OUT_OF_RANGE: 'POSITION_OUT_OF_RANGE',
  /** The command was made against an older state than the room's. */
  STALE_STATE: 'STALE_STATE',
  /** Too many commands in too short a time. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** No such upload in this room (unknown, expired, finished or cancelled). */
  UPLOAD_NOT_FOUND: 'UPLOAD_NOT_FOUND',
  /** A chunk's offset is not the next byte the server expects; the message names it. */
  CHUNK_OFFSET: 'CHUNK_OFFSET',
  /** The chunks add up to more than the declared size. */
  UPLOAD_SIZE_MISMATCH: 'UPLOAD_SIZE_MISMATCH',
  /** Finish before every byte arrived. */
  UPLOAD_INCOMPLETE: 'UPLOAD_INCOMPLETE',
  /** The bytes do not match the declared sha256; the upload is discarded. */
  UPLOAD_HASH_MISMATCH: 'UPLOAD_HASH_MISMATCH',
  /** Not an audio file we can play (sniffed from the bytes), or no readable duration. */
  UNSUPPORTED_FORMAT: 'UNSUPPORTED_FORMAT',
  /** Larger than the server's MAX_UPLOAD_BYTES. */
  UPLOAD_TOO_LARGE: 'UPLOAD_TOO_LARGE',
  /** The server's disk reached its reserve; the upload is discarded. */
  DISK_FULL: 'DISK_FULL',
  /** The room has as many unfinished uploads as it may. */
  TOO_MANY_UPLOADS: 'TOO_MANY_UPLOADS',
  /** No such request in this room. */
  REQUEST_NOT_FOUND: 'REQUEST_NOT_FOUND',
  /** The request is no longer pending (approved, rejected, fulfilled or withdrawn), or not approved for fulfil. */
  REQUEST_DECIDED: 'REQUEST_DECIDED',
  /** Only the person who asked may withdraw a request. */
  NOT_REQUESTER: 'NOT_REQUESTER',
  /** This person already voted (a request +1, or to skip this song). */
  ALREADY_VOTED: 'ALREADY_VOTED',
  /** The person has as many pending requests as allowed, or the room keeps as many open requests as it may. */
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
  /** Vote to skip is off in this room, or no song is on. */
  VOTE_SKIP_OFF: 'VOTE_SKIP_OFF',
  /** The room's playlist holds as many own-copy songs as it may (LOCAL_SONGS_PER_ROOM). */
  TOO_MANY_SONGS: 'TOO_MANY_SONGS',
  /** `admin:claim` with a password that is not the server's ADMIN_PASSWORD; nothing changed. */
  WRONG_PASSWORD: 'WRONG_PASSWORD',
  /** `admin:claim` on a server without ADMIN_PASSWORD: the first member is admin there. */
  ADMIN_CLAIM_OFF: 'ADMIN_CLAIM_OFF',
  /** The room has a passcode and the join named none. */
  PASSCODE_REQUIRED: 'PASSCODE_REQUIRED',
  /** The join's passcode is not the room's. */
  WRONG_PASSCODE: 'WRONG_PASSCODE',
  /** An unexpected server fault; the server logged it with a correlation id. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface ErrorInfo {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Every client event is acknowledged with one of these. */
export type Ack<T extends object = object> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly error: ErrorInfo };

export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;
