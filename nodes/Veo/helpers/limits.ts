/**
 * The limits a user sees (the fields' defaults and bounds) and the few the engine shares across
 * layers, each defined once here with the reason for its value. The panel (fields/) and the checks and
 * the engine (creating/, engine/, pause/, transfers/) read them from here. Policy constants used by one
 * file only (the predictor's looks, the transfer floors, the missed-callback checks, …) live in that file.
 */

/** The service answers at most this many ids per retrieve_batch call (and Get Task takes as many per item). */
export const BATCH_SIZE = 50;

/**
 * **Max Wait (Seconds)**: how long the node waits for a video, in each mode.
 * - Polling (Wait Here): each task from the moment the service accepted it; a task not finished by then
 *   fails its item (it goes on at Ace Data Cloud). Its download gets what is left of it (at least
 *   TRANSFER_TIMES.downloadFloorMs).
 * - Pause mode: the pause, counted from the moment the execution pauses (the longest Max Wait of the
 *   batch); then n8n resumes the execution by itself with the unfinished tasks `submitted`. The
 *   downloads after a resume share their own deadline (TRANSFER_TIMES.downloadsDeadlineMs).
 * - Don't Wait: the field is hidden; MAX_WAIT_HIDDEN_S bounds the two waits below.
 * - In every mode, before a task exists: an item refused by 429s for Max Wait in a row, or queued for
 *   a slot while none of the node's tasks finished for Max Wait, fails unsubmitted (nothing paid).
 * - Uploads of an item's binary images: Max Wait, at least TRANSFER_TIMES.uploadFloorMs.
 */
export const MAX_WAIT_DEFAULT_S = 900;
export const MAX_WAIT_MIN_S = 1;
/** A week: far beyond any video, and a date n8n can keep as the end of a pause. */
export const MAX_WAIT_MAX_S = 7 * 24 * 3600;
export const MAX_WAIT_MAX_IN_WORDS = '7 days';
/** Max Wait where the panel hides it (Don't Wait): the default, as before the field was hidden. */
export const MAX_WAIT_HIDDEN_S = MAX_WAIT_DEFAULT_S;

/** **Poll Interval (Seconds)**: how often a polling run asks about its unfinished tasks (all in one query). */
export const POLL_INTERVAL_DEFAULT_S = 10;
export const POLL_INTERVAL_MIN_S = 1;
/** Longer than any sensible poll, and far below the 24.8 days at which timers overflow. */
export const POLL_INTERVAL_MAX_S = 3600;
export const POLL_INTERVAL_MAX_IN_WORDS = '1 hour';

/** The service asks clients to poll no more often than once a second: looks at one batch are this far apart at least. */
export const POLL_GAP_MS = 1000;

/** **Max Videos in Progress**: 0 is no limit of the user's own (the node learns the token's from 429s). */
export const MAX_VIDEOS_IN_PROGRESS_DEFAULT = 0;

/** **Max Video Size (MB)**'s default: a Veo video is some 5 to 50 MB; ten times that is not a video. */
export const MAX_VIDEO_SIZE_DEFAULT_MB = 200;
export const MAX_VIDEO_SIZE_MIN_MB = 1;

/**
 * A create is given this long, whatever is left of Max Wait (the engine asks for it, the client
 * enforces it): one cut short may still be created (and paid) after the node gave up on it.
 */
export const SUBMIT_TIMEOUT_MS = 60_000;
