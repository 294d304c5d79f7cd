/** Limits shared by both sides of the wire. Change a limit here, nowhere else. */

/** A username is trimmed, then must be 1–32 characters with no control characters. */
export const USERNAME_MAX_LENGTH = 32;

/** Room ids are URL path segments: letters, digits, `-` and `_`. */
export const ROOM_ID_MAX_LENGTH = 40;
export const ROOM_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

/** The room `/` joins. */
export const DEFAULT_ROOM_ID = 'lobby';

/** Client token kept in the browser so a reload is recognised as the same person. */
export const CLIENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** Upload chunk size (the original's 64 KiB). */
export const CHUNK_SIZE = 64 * 1024;

/**
 * Largest Socket.IO message the server accepts: one chunk plus room for its
 * envelope. Anything bigger is a client bug or an attack.
 */
export const MAX_MESSAGE_BYTES = CHUNK_SIZE + 4 * 1024;
