/**
 * Public types of the Veo emulator. The wire shapes (TaskRecord, TaskResponse, ...) follow
 * /work/shared/veo-api.md so that tests can type the JSON they read back.
 */

export interface VeoEmulatorOptions {
	/** The accepted bearer token; default 'test-token'. */
	token?: string;
	/** More accepted tokens, each with its own limits and its own tasks. */
	tokens?: string[];
	/** How long a task stays pending (record without `response`); default 200. */
	pendingMs?: number;
	/** How long it then stays running; default 300. It finishes at pendingMs + runningMs. */
	runningMs?: number;
	/**
	 * Task durations vary by up to this share around pendingMs + runningMs (0.5: ±50 %), drawn from
	 * `seed` in creation order; default 0 (every task takes exactly the same time).
	 */
	durationSpread?: number;
	/** Seed of the varying durations; default 1. */
	seed?: number;
	/** Bytes of each served mp4; default 64 KiB. */
	videoSize?: number;
	/** Unfinished tasks allowed per token; a create beyond it gets 429. Default Infinity. */
	maxInFlight?: number;
	/** Accepted creates per second per token (token bucket, burst 1). Default Infinity. */
	submitsPerSecond?: number;
	/** When set, every 429 answer carries `Retry-After` with this value. */
	retryAfterSeconds?: number;
	/** A blocking create (no async, no callback) answers 504 `timeout` after this long on the clock. Default Infinity. */
	blockingTimeoutMs?: number;
	/** Clock in ms; default Date.now. A manual clock makes lifecycle tests instant and deterministic. */
	now?: () => number;
	/** Default 127.0.0.1. */
	host?: string;
	/** Default 0 (a free port). */
	port?: number;
}

export type VeoAction = 'text2video' | 'image2video' | 'ingredients2video' | 'get1080p';
export type VeoModel = 'veo3' | 'veo3-fast' | 'veo31' | 'veo31-fast' | 'veo31-fast-ingredients';
export type AspectRatio = '16:9' | '9:16';
export type Resolution = '1080p' | '4k' | 'gif';
export type TaskState = 'pending' | 'running' | 'succeeded' | 'failed';

export interface ServiceError {
	code: string;
	message: string;
}

/** The error body every non-2xx API answer carries. */
export interface ErrorBody {
	error: ServiceError;
	trace_id: string;
}

export interface VideoData {
	id: string;
	video_url?: string;
	created_at: string;
	complete_at?: string;
	state: 'running' | 'succeeded';
}

export interface SuccessResponse {
	success: true;
	task_id: string;
	trace_id: string;
	data: VideoData[];
}

export interface FailureResponse {
	success: false;
	task_id: string;
	trace_id: string;
	error: ServiceError;
}

/** What a finished blocking create answers, what a callback carries, and `record.response`. */
export type TaskResponse = SuccessResponse | FailureResponse;

/** The answer of an async create (or one with a callback_url). */
export interface AcceptedResponse {
	success: true;
	task_id: string;
	trace_id: string;
}

/** One stored task, as POST /veo/tasks answers it. */
export interface TaskRecord {
	_id: string;
	id: string;
	trace_id: string;
	type: 'videos';
	api_id: string;
	user_id: string;
	/** Seconds since the epoch, with a fraction. */
	created_at: number;
	request: Record<string, unknown>;
	response?: TaskResponse;
	finished_at?: number;
}

export interface RetrieveBatchResponse {
	items: TaskRecord[];
	count: number;
}

/** How a task ends; decided once, when it is created. */
export type TaskOutcome =
	| { kind: 'succeed'; slowerMs?: number }
	| { kind: 'fail'; error: ServiceError }
	| { kind: 'never' };

/** A snapshot of one task, taken at the emulator's current clock. */
export interface TaskInfo {
	id: string;
	traceId: string;
	/** `data[0].id` of its response: its own video id, or the source's for get1080p. */
	videoId: string;
	token: string;
	action: VeoAction;
	/** The model the task runs with (ingredients2video forces veo31-fast-ingredients). */
	model: VeoModel;
	/** The create body exactly as it was sent. */
	request: Record<string, unknown>;
	callbackUrl?: string;
	/** Clock times in ms. `finishAt` is null for a task that never finishes. */
	createdAt: number;
	runningAt: number;
	finishAt: number | null;
	outcome: TaskOutcome;
	state: TaskState;
	/** What `retrieve` would answer right now. */
	record: TaskRecord;
}

export interface RecordedRequest {
	method: string;
	/** The URL path, without the query string. */
	path: string;
	/** Lower-cased names; repeated headers joined with ', '. */
	headers: Record<string, string>;
	/** Parsed JSON, the raw string when it is not JSON, or undefined when empty. */
	body: unknown;
	/** The clock at arrival. */
	at: number;
	/** Date.now() when the connection of this request closed (answer sent, or the client went away); undefined while open. */
	closedAt?: number;
	/** The status answered; undefined while still open or when the socket was dropped. */
	status?: number;
	/** The injected fault that this request consumed, if any. */
	fault?: FaultKind;
	/** Set on a create that made a task (even if its answer was then dropped). */
	taskId?: string;
	/** On a task query: the clock when the states it answered were read (under load, a little after `at`). */
	answeredAt?: number;
}

export interface CallbackRecord {
	taskId: string;
	url: string;
	body: TaskResponse;
	/** The receiver's HTTP status; undefined when the POST failed (see `error`). */
	status?: number;
	/** What the receiver answered, as text (at most 4 KiB). */
	responseBody?: string;
	error?: string;
	/** The clock when the POST was sent. */
	at: number;
}

/** A prompt substring, or a predicate over the create body as sent. */
export type TaskMatcher = string | ((request: Record<string, unknown>) => boolean);

export type FaultPath = '/veo/videos' | '/veo/tasks' | 'download';
/**
 * The download kinds play a hostile or broken video host: 'stall' sends the headers and 1 KiB,
 * then nothing; 'trickle' sends one byte a second; 'endless' streams for ever; 'gzip-bomb' (downloads
 * only) sends a small gzip body (Content-Encoding: gzip) that unpacks to `size` bytes. On the API
 * paths 'stall', 'trickle' and 'endless' answer the same way, with the answer the request would
 * get (a create still creates its task): half of it and then nothing, one byte a second, or all but
 * its last character and then spaces for ever. 'late-create' (creates only):
 * answers `status` (default 504) at once, as a gateway that gives up, and creates the task `delayMs`
 * real ms later, as the upstream that went on.
 */
export type FaultKind =
	| 'status'
	| 'drop-before'
	| 'drop-after-create'
	| 'late-create'
	| 'raw'
	| 'delay'
	| 'truncate'
	| 'stall'
	| 'trickle'
	| 'endless'
	| 'gzip-bomb';

export interface Fault {
	path: FaultPath;
	kind: FaultKind;
	/** How many upcoming requests on that path it hits; default 1. */
	count?: number;
	/** For 'status' (default 500) and 'raw' (default 200). */
	status?: number;
	/** JSON value, or a string sent as is. 'status' defaults to the service's error shape. */
	body?: unknown;
	headers?: Record<string, string>;
	/** For 'delay' and 'late-create': real milliseconds (not the emulator clock) to wait before handling normally. */
	delayMs?: number;
	/** For 'download' faults: only the download of this task's video (default: any). */
	taskId?: string;
	/** For 'gzip-bomb': how many bytes the body unpacks to (default 200 MiB). */
	size?: number;
}
