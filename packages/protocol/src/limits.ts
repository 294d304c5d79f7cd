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

/** An upload's file name is kept (as the fallback title) up to this many characters. */
export const UPLOAD_NAME_MAX_LENGTH = 200;

/**
 * Chunks an uploader keeps in flight (sent, not yet acked). Socket.IO keeps them
 * in order on one connection, so a window hides the round trip: with W in flight
 * a link of RTT r carries up to W × CHUNK_SIZE / r, instead of one chunk per r.
 */
export const UPLOAD_WINDOW = 8;

/** Unfinished uploads a room may have at once; the rest are refused with TOO_MANY_UPLOADS. */
export const MAX_UPLOADS_PER_ROOM = 20;

/** The largest relative jump of `playback:skip` (the buttons send ±10 s). */
export const SKIP_MAX_SECONDS = 60;

/**
 * Scheduling lead: how far in the future a change takes effect, so it reaches
 * every member in time to schedule it. Adaptive between the floor and the cap:
 * lead = clamp(max over members of (one-way delay × 1.5 + device latency) + LEAD_MARGIN_MS, FLOOR, CAP),
 * the device latency being what the member reports it needs before audibility.
 * The floor covers event-loop and audio-callback latency on a quiet LAN; the
 * cap keeps a member on a terrible link from making the room feel sluggish
 * (that member joins late, in place, instead).
 */
export const LEAD_FLOOR_MS = 80;
export const LEAD_CAP_MS = 1000;
export const LEAD_MARGIN_MS = 40;

/** How long a song change waits for every member to report the song loaded. */
export const READY_BARRIER_MS = 3000;

/** Within this many seconds of the start, `previous` goes to the previous song; later it restarts the song. */
export const PREVIOUS_RESTARTS_AFTER_SECONDS = 3;

/**
 * Playback commands a connection may send: a burst of CONTROL_BURST, then
 * CONTROL_PER_SECOND sustained. A person mashing buttons stays under it; a
 * flood gets RATE_LIMITED and changes nothing.
 */
export const CONTROL_BURST = 10;
export const CONTROL_PER_SECOND = 4;

/**
 * Clock pings and sync reports a connection may send. The clock sync pings 40
 * times in its first second, 20 a second to 2 s, then 4 a second
 * (ClockSync's PING_SCHEDULE), plus a sync report every 5 s: a burst of 40
 * refilled at 50 per second never runs dry under that, even on a reconnect.
 * Per address (RATE_LIMIT_IP_FACTOR, 10×: 400, then 500/s), the
 * MAX_CONNECTIONS_PER_IP (100) connections it may hold send 420 a second.
 */
export const TIME_BURST = 40;
export const TIME_PER_SECOND = 50;

/**
 * Upload messages (chunks mostly) a connection may send: 16384 chunks per second
 * is 1 GiB/s of 64 KiB chunks, above a 10 Gbit/s link and a loopback upload
 * (only the admin uploads; the budget bounds a flood, it must never pace an
 * honest upload). At 2000/s a gigabit LAN upload hit it.
 */
export const UPLOAD_CHUNK_BURST = 1024;
export const UPLOAD_CHUNKS_PER_SECOND = 16384;

/**
 * How long the uploader waits after a RATE_LIMITED chunk before it resumes,
 * doubled on each refusal in a row: resuming at once would spend the
 * connection's strikes (RATE_LIMIT_STRIKES) and get it disconnected.
 */
export const UPLOAD_RATE_LIMITED_BACKOFF_MS = 250;
export const UPLOAD_RATE_LIMITED_BACKOFF_MAX_MS = 4000;

/**
 * Resyncs (`room:snapshot`) a connection may ask for: a client asks only when a
 * presence delta stayed missing for PRESENCE_GAP_MS, which reordering across
 * nodes fills within milliseconds, so a burst of 3 then one per 2 s is plenty;
 * each answer is the whole room, so more would be a cheap way to load a node.
 */
export const SNAPSHOT_BURST = 3;
export const SNAPSHOT_PER_SECOND = 0.5;

/** How long a client holds a presence delta that does not follow the one it has before asking for a snapshot. */
export const PRESENCE_GAP_MS = 1000;

/** A chat line holds at most this many characters (after trimming). */
export const CHAT_MESSAGE_MAX_LENGTH = 500;

/** Chat lines a newcomer receives, by default (server setting CHAT_HISTORY). */
export const CHAT_HISTORY_DEFAULT = 50;

/** Chat lines a person may send per window, by default (server settings CHAT_RATE_MESSAGES, CHAT_RATE_WINDOW_MS). */
export const CHAT_RATE_MESSAGES_DEFAULT = 5;
export const CHAT_RATE_WINDOW_MS_DEFAULT = 5000;

/** A request's title and artist, and its note / the admin's answer. */
export const REQUEST_TITLE_MAX_LENGTH = 200;
export const REQUEST_NOTE_MAX_LENGTH = 500;

/** Pending requests one person may have at once. */
export const REQUESTS_PENDING_PER_PERSON = 5;

/** Requests a room keeps; beyond it the oldest decided ones are forgotten. */
export const REQUESTS_KEPT = 100;

/** The largest vote-to-skip threshold a room may set (a number of votes). */
export const SKIP_THRESHOLD_MAX = 1000;

/** An own-copy song's file may be up to 4 GiB (what a browser can hash and play); anything bigger is a lie. */
export const LOCAL_SONG_MAX_BYTES = 4 * 1024 ** 3;

/** An own-copy song lasts at most 24 hours. */
export const LOCAL_SONG_MAX_SECONDS = 24 * 60 * 60;

/** An own-copy song's title, artist and album, each. */
export const LOCAL_SONG_TAG_MAX_LENGTH = 200;

/**
 * Own-copy songs a room's playlist may hold; beyond it `playlist:add-local` is
 * TOO_MANY_SONGS. Together with the playback-button rate limit this bounds a flood.
 */
export const LOCAL_SONGS_PER_ROOM = 200;

/** A room passcode (set by the admin): at most this many characters. */
export const PASSCODE_MAX_LENGTH = 64;

/** The server's ADMIN_PASSWORD: at least 8 characters (config), at most this many. */
export const ADMIN_PASSWORD_MAX_LENGTH = 256;

/**
 * Wrong guesses of the admin password or a room passcode per client address:
 * SECRET_GUESS_BURST at once, then one more every SECRET_GUESS_REFILL_MS — a
 * brute force gets ~1 440 guesses a day per address.
 */
export const SECRET_GUESS_BURST = 5;
export const SECRET_GUESS_REFILL_MS = 60_000;
