/**
 * A local stand-in for Ace Data Cloud's Veo API (contract: /work/shared/veo-api.md): a real HTTP
 * server that creates fake video tasks, moves them through pending → running → succeeded/failed
 * on a clock, serves deterministic mp4 bytes, and lets tests inject faults and limits.
 */
import http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { postJson } from './callbacks';
import { FaultQueue } from './faults';
import { Limiter } from './limits';
import { Sleeper } from './sleeper';
import { defaultErrorBody, errorBody, flattenHeaders, parseBody, readBody, Reply } from './http';
import { matchesBatch, Task, TaskStore } from './taskStore';
import type {
	CallbackRecord,
	Fault,
	FaultPath,
	RecordedRequest,
	ServiceError,
	TaskInfo,
	TaskMatcher,
	TaskOutcome,
	VeoEmulatorOptions,
} from './types';
import { validateCreate, validateTasksQuery } from './validation';
import { gifBytes } from './gif';
import { serveVideoFile, videoSlice } from './video';
import type { HostileKind } from './hostileHost';
import { HOSTILE_KINDS, serveHostile } from './hostileHost';

export type * from './types';

type Route = 'videos' | 'tasks' | 'download';
type WaitResult = 'finished' | 'timeout' | 'aborted';

const FAULT_PATHS: Record<Route, FaultPath> = { videos: '/veo/videos', tasks: '/veo/tasks', download: 'download' };
const VIDEO_PATH = /^\/files\/([^/]+)\.(?:mp4|gif)$/;
const DEFAULT_FAIL_ERROR: ServiceError = {
	code: 'CONTENT_REJECTED',
	message: 'the prompt was rejected by content moderation',
};
// A manual clock gives no hint of when it will move, so waiters look at it this often (real ms).
const MANUAL_CLOCK_POLL_MS = 5;
// Real-clock waiters still wake this often, to notice a client that left a blocking create.
const MAX_SLEEP_MS = 1000;

interface Rule {
	matcher: TaskMatcher;
	outcome: TaskOutcome;
}

export class VeoEmulator {
	/** Every request in arrival order; `status` is filled in when it is answered. */
	readonly requests: RecordedRequest[] = [];
	/** Callback POSTs, in the order they completed. */
	readonly callbacks: CallbackRecord[] = [];

	private readonly primaryToken: string;
	private readonly tokens: Set<string>;
	private readonly expiredTokens = new Set<string>();
	private readonly videoSize: number;
	private readonly blockingTimeoutMs: number;
	private readonly now: () => number;
	private readonly manualClock: boolean;
	private readonly host: string;
	private readonly port: number;

	private readonly store: TaskStore;
	private readonly faults = new FaultQueue();
	private readonly limiter: Limiter;
	private rules: Rule[] = [];

	private server?: Server;
	private url?: string;
	private stopped = false;

	private callbacksLost = false;
	/** What `callBackDuringLook` matches, and the tasks it holds until a look-up names them. */
	private lookRaceMatchers: TaskMatcher[] = [];
	private readonly lookRaces = new Set<string>();
	private readonly sockets = new Set<Socket>();
	private readonly sleeper = new Sleeper();
	private callbackAbort = new AbortController();

	constructor(options: VeoEmulatorOptions = {}) {
		this.primaryToken = options.token ?? 'test-token';
		this.tokens = new Set([this.primaryToken, ...(options.tokens ?? [])]);
		this.videoSize = options.videoSize ?? 64 * 1024;
		this.limiter = new Limiter({
			maxInFlight: options.maxInFlight ?? Infinity,
			submitsPerSecond: options.submitsPerSecond ?? Infinity,
			retryAfterSeconds: options.retryAfterSeconds,
		});
		this.blockingTimeoutMs = options.blockingTimeoutMs ?? Infinity;
		this.now = options.now ?? Date.now;
		this.manualClock = options.now !== undefined;
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
		this.store = new TaskStore({
			pendingMs: options.pendingMs ?? 200,
			runningMs: options.runningMs ?? 300,
			spread: options.durationSpread,
			seed: options.seed,
		});
	}

	// ----- lifecycle -----

	start(): Promise<string> {
		if (this.server) return Promise.resolve(this.baseUrl);
		this.stopped = false;
		this.callbackAbort = new AbortController();
		const server = http.createServer((req, res) => void this.handle(req, res));
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		server.on('clientError', (_error, socket) => socket.destroy());
		this.server = server;
		return new Promise((resolve, reject) => {
			server.once('error', (error) => {
				this.server = undefined;
				reject(error);
			});
			server.listen(this.port, this.host, () => {
				const { port } = server.address() as AddressInfo;
				const host = this.host.includes(':') ? `[${this.host}]` : this.host;
				this.url = `http://${host}:${port}`;
				resolve(this.url);
			});
		});
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		this.stopped = true;
		this.sleeper.wakeAll();
		this.callbackAbort.abort();
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		// close() alone waits for keep-alive sockets and open blocking creates; jest would hang.
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await closed;
	}

	get baseUrl(): string {
		if (!this.url) throw new Error('VeoEmulator is not started');
		return this.url;
	}

	/** The primary accepted token. */
	get token(): string {
		return this.primaryToken;
	}

	// ----- inspection -----

	requestsTo(path: string | RegExp): RecordedRequest[] {
		return this.requests.filter((r) => (typeof path === 'string' ? r.path === path : path.test(r.path)));
	}

	/** Creates that made a task, including those whose answer was then dropped. */
	creates(): RecordedRequest[] {
		return this.requestsTo('/veo/videos').filter((r) => r.taskId !== undefined);
	}

	queries(): RecordedRequest[] {
		return this.requestsTo('/veo/tasks');
	}

	downloads(): RecordedRequest[] {
		return this.requestsTo(VIDEO_PATH);
	}

	getTask(id: string): TaskInfo | undefined {
		return this.store.get(id)?.infoAt(this.now(), this.videoUrl(id));
	}

	/** All tasks of all tokens, in creation order. */
	listTasks(): TaskInfo[] {
		const now = this.now();
		return this.store.all().map((task) => task.infoAt(now, this.videoUrl(task.id)));
	}

	videoUrl(taskId: string): string {
		return `${this.url ?? ''}/files/${encodeURIComponent(taskId)}.${this.isGif(taskId) ? 'gif' : 'mp4'}`;
	}

	/**
	 * The exact bytes served for that task's video; deterministic for any id and the configured size.
	 * A task made with `resolution: 'gif'` gets a real GIF, served as image/gif.
	 */
	videoBytes(taskId: string): Buffer {
		if (this.isGif(taskId)) return gifBytes(taskId, this.videoSize);
		return videoSlice(taskId, this.videoSize, 0, this.videoSize);
	}

	private isGif(taskId: string): boolean {
		return this.store.get(taskId)?.request.resolution === 'gif';
	}

	/** Injected faults not used up yet. */
	pendingFaults(): Fault[] {
		return this.faults.pending();
	}

	/** Resolves once `count` callbacks have completed (their receiver answered or failed). */
	async waitForCallbacks(count: number, timeoutMs = 5000): Promise<CallbackRecord[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.callbacks.length < count) {
			if (Date.now() >= deadline) {
				throw new Error(`waited ${timeoutMs} ms for ${count} callbacks, got ${this.callbacks.length}`);
			}
			await new Promise((resolve) => setTimeout(resolve, MANUAL_CLOCK_POLL_MS));
		}
		return [...this.callbacks];
	}

	// ----- scripting -----

	/** Tasks created from now on whose request matches end failed. Rules apply in the order given. */
	failTask(matcher: TaskMatcher, error: ServiceError = DEFAULT_FAIL_ERROR): void {
		this.rules.push({ matcher, outcome: { kind: 'fail', error: { ...error } } });
	}

	/** Tasks created from now on whose request matches stay running forever. */
	neverFinish(matcher: TaskMatcher): void {
		this.rules.push({ matcher, outcome: { kind: 'never' } });
	}

	/** Tasks created from now on whose request matches succeed, but render `slowerMs` longer. */
	slowTask(matcher: TaskMatcher, slowerMs: number): void {
		this.rules.push({ matcher, outcome: { kind: 'succeed', slowerMs } });
	}

	/** A task held by `neverFinish` succeeds now, and calls back like any other. */
	finishTask(taskId: string): void {
		const task = this.store.get(taskId);
		if (!task) throw new TypeError(`no task ${taskId}`);
		task.finishNow(this.now());
	}

	/**
	 * Callbacks of tasks finishing from now on are lost on the way: recorded (with `error: 'lost'`)
	 * but never POSTed, as when the network drops them. The test can then deliver them itself.
	 */
	loseCallbacks(): void {
		this.callbacksLost = true;
	}

	/**
	 * Tasks created from now on whose request matches keep running until a look-up (retrieve or
	 * retrieve_batch) names them. That look-up answers them as not finished, but before its answer is sent the task
	 * finishes and its callback goes out and is answered: a callback that overtakes the client's last
	 * look, as when a task finishes between that look and the client's next step.
	 */
	callBackDuringLook(matcher: TaskMatcher): void {
		this.lookRaceMatchers.push(matcher);
	}

	inject(fault: Fault): void {
		this.faults.add(fault);
	}

	/** Drops the injected faults not used yet (and nothing else), so a failed test cannot leave one behind. */
	clearFaults(): void {
		this.faults.clear();
	}

	/** Later requests with that token get 401 token_expired. */
	expireToken(token: string): void {
		this.expiredTokens.add(token);
	}

	/** Forgets requests, tasks, callbacks, faults, rules, expired tokens and rate-limit history. */
	reset(): void {
		this.requests.length = 0;
		this.callbacks.length = 0;
		this.store.clear();
		this.faults.clear();
		this.rules = [];
		this.callbacksLost = false;
		this.lookRaceMatchers = [];
		this.lookRaces.clear();
		this.limiter.reset();
		this.expiredTokens.clear();
	}

	// ----- request handling -----

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const entry: RecordedRequest = {
			method: req.method ?? 'GET',
			// Not new URL(): it would read a path like '//x/y' as host 'x'.
			path: (req.url ?? '/').split('?')[0],
			headers: flattenHeaders(req.headers),
			body: undefined,
			at: this.now(),
		};
		this.requests.push(entry);
		// Real time, as `at`: when the connection ended (the answer was sent, or the client went away).
		res.once('close', () => (entry.closedAt = Date.now()));
		const reply = new Reply(entry, res);
		try {
			await this.dispatch(req, reply);
		} catch (error) {
			// An emulator bug should surface as a loud 500, not as a hung request.
			if (!res.headersSent && !reply.closed) reply.json(500, errorBody('api_error', String(error)));
			else reply.drop();
		}
	}

	private async dispatch(req: IncomingMessage, reply: Reply): Promise<void> {
		const { entry } = reply;
		const body = parseBody(await readBody(req));
		entry.body = body.value;
		const route = routeOf(entry.method, entry.path);
		if (!route) return reply.json(404, errorBody('no_api', `no api at ${entry.method} ${entry.path}`));
		const fault = this.faults.take(FAULT_PATHS[route], route === 'download' ? videoTaskId(entry.path) : undefined);
		if (fault && (await this.applyFault(fault, route, reply))) return;
		if (route === 'download') return this.serveVideo(reply, fault);
		const token = this.authenticate(reply);
		if (token === undefined) return;
		if (body.value !== undefined && !body.isJson) {
			return reply.json(400, errorBody('bad_request', 'the request body is not valid JSON'));
		}
		if (route === 'videos') return this.createVideo(reply, token);
		return this.queryTasks(reply, token);
	}

	/** Returns true when the fault answered (or dropped) the request by itself. */
	private async applyFault(fault: Fault, route: Route, reply: Reply): Promise<boolean> {
		reply.markFault(fault.kind);
		switch (fault.kind) {
			case 'delay':
				await this.sleeper.sleep(fault.delayMs ?? 0);
				return this.stopped;
			case 'drop-before':
				reply.drop();
				return true;
			case 'drop-after-create':
				reply.dropOnAnswer = true;
				return false;
			case 'late-create':
				reply.lateCreate = { status: fault.status ?? 504, delayMs: fault.delayMs ?? 0 };
				return false;
			case 'stall':
			case 'trickle':
			case 'endless':
				if (route !== 'download') reply.hostileAnswer = fault.kind;
				return false;
			case 'truncate':
			case 'gzip-bomb':
				return false;
			case 'status': {
				const status = fault.status ?? 500;
				const retry = status === 429 ? this.limiter.retryAfterHeaders() : {};
				const text = bodyText(fault.body ?? defaultErrorBody(status));
				reply.send(status, text, { 'content-type': 'application/json', ...retry, ...lowerKeys(fault.headers) });
				return true;
			}
			case 'raw': {
				// The API's broken answers still claim JSON; a CDN's error pages are HTML.
				const type = route === 'download' ? 'text/html; charset=utf-8' : 'application/json';
				reply.send(fault.status ?? 200, bodyText(fault.body ?? ''), { 'content-type': type, ...lowerKeys(fault.headers) });
				return true;
			}
		}
	}

	private authenticate(reply: Reply): string | undefined {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(reply.entry.headers.authorization ?? '');
		const token = match?.[1];
		if (token !== undefined && this.expiredTokens.has(token)) {
			reply.json(401, errorBody('token_expired', 'the token is expired'));
			return undefined;
		}
		if (token === undefined || !this.tokens.has(token)) {
			reply.json(401, errorBody('invalid_token', 'the token is invalid'));
			return undefined;
		}
		return token;
	}

	private async createVideo(reply: Reply, token: string): Promise<void> {
		const checked = validateCreate(reply.entry.body ?? {});
		if (!checked.ok) return reply.json(400, errorBody('bad_request', checked.message));
		const params = checked.value;
		const request = reply.entry.body as Record<string, unknown>;
		if (reply.lateCreate) {
			// A gateway gives up while the upstream goes on: the client hears an error, the task appears later.
			const status = reply.lateCreate.status;
			reply.json(status, errorBody(status === 504 ? 'timeout' : 'api_error', 'the gateway gave up waiting for the upstream'));
			await this.sleeper.sleep(reply.lateCreate.delayMs);
			if (this.stopped) return;
		}
		const now = this.now();
		if (params.videoId !== undefined && params.action === 'get1080p') {
			if (!this.store.succeededWithVideo(token, params.videoId, now)) {
				return reply.json(400, errorBody('bad_request', 'video_id is invalid'));
			}
		}
		const refusal = this.limiter.refusal(token, now, this.store.inFlight(token, now));
		if (refusal) return reply.json(429, errorBody('too_many_requests', refusal), this.limiter.retryAfterHeaders());

		const task = this.store.add({
			token,
			request: structuredClone(request),
			params,
			outcome: this.outcomeFor(request),
			createdAt: now,
			sourceVideoId: params.action === 'get1080p' ? params.videoId : undefined,
		});
		this.limiter.accepted(token, now);
		reply.entry.taskId = task.id;
		if (this.lookRaceMatchers.some((matcher) => matches(matcher, request))) this.lookRaces.add(task.id);
		// The service ignores whatever happens to a callback, and so does the emulator.
		if (params.callbackUrl) this.deliverCallback(task, params.callbackUrl).catch(() => undefined);

		if (reply.dropOnAnswer) return reply.drop();
		if (params.async || params.callbackUrl) {
			return reply.json(200, { success: true, task_id: task.id, trace_id: task.traceId });
		}
		return this.answerWhenFinished(task, reply);
	}

	/** The blocking form: hold the request open until the task ends, as the service does. */
	private async answerWhenFinished(task: Task, reply: Reply): Promise<void> {
		const result = await this.waitFor(task, () => reply.closed, this.now() + this.blockingTimeoutMs);
		if (result === 'finished') return reply.json(200, task.responseAt(this.now(), this.videoUrl(task.id)));
		if (result === 'timeout') return reply.json(504, errorBody('timeout', 'the task did not finish in time'));
	}

	private outcomeFor(request: Record<string, unknown>): TaskOutcome {
		if (this.lookRaceMatchers.some((matcher) => matches(matcher, request))) return { kind: 'never' };
		const rule = this.rules.find(({ matcher }) => matches(matcher, request));
		return rule?.outcome ?? { kind: 'succeed' };
	}

	private async queryTasks(reply: Reply, token: string): Promise<void> {
		const checked = validateTasksQuery(reply.entry.body ?? {});
		if (!checked.ok) return reply.json(400, errorBody('bad_request', checked.message));
		const query = checked.value;
		const now = this.now();
		reply.entry.answeredAt = now;
		if (query.action === 'retrieve') {
			const task = this.store.find(token, { id: query.id, traceId: query.traceId });
			if (!task) return reply.json(404, errorBody('not_found', 'task not found'));
			const record = task.recordAt(now, this.videoUrl(task.id));
			if (this.lookRaces.delete(task.id)) await this.callBackFirst([task]);
			return reply.json(200, record);
		}
		const matches = this.store.ownedBy(token).filter((task) => matchesBatch(task, query));
		const items = matches
			.slice(query.offset, query.offset + query.limit)
			.map((task) => task.recordAt(now, this.videoUrl(task.id)));
		const racing = matches.filter((task) => this.lookRaces.delete(task.id));
		if (racing.length) await this.callBackFirst(racing);
		return reply.json(200, { items, count: matches.length });
	}

	/** Finishes the tasks and waits until their callbacks were answered (see callBackDuringLook). */
	private async callBackFirst(tasks: Task[]): Promise<void> {
		for (const task of tasks) task.finishNow(this.now());
		this.sleeper.wakeAll();
		const answered = () => tasks.every((task) => this.callbacks.some((callback) => callback.taskId === task.id));
		for (let waited = 0; !answered() && !this.stopped && waited < 15_000; waited += 10) await this.sleeper.sleep(10);
	}

	private serveVideo(reply: Reply, fault: Fault | undefined): Promise<void> {
		const taskId = videoTaskId(reply.entry.path);
		const task = taskId === undefined ? undefined : this.store.get(taskId);
		if (!task || task.stateAt(this.now()) !== 'succeeded') {
			reply.json(404, errorBody('not_found', 'video not found'));
			return Promise.resolve();
		}
		if (fault && HOSTILE_KINDS.includes(fault.kind)) {
			return serveHostile(reply, fault.kind as HostileKind, fault, task.id, this.videoSize);
		}
		if (this.isGif(task.id)) {
			const bytes = gifBytes(task.id, this.videoSize);
			reply.head(200, { 'content-type': 'image/gif', 'content-length': String(bytes.length) });
			if (reply.entry.method === 'HEAD') return Promise.resolve(void reply.res.end());
			reply.res.end(bytes);
			return Promise.resolve();
		}
		return serveVideoFile(reply, task.id, this.videoSize, fault?.kind === 'truncate');
	}

	// ----- time -----

	private async deliverCallback(task: Task, url: string): Promise<void> {
		const signal = this.callbackAbort.signal;
		if ((await this.waitFor(task, () => false)) !== 'finished') return;
		const body = task.responseAt(this.now(), this.videoUrl(task.id));
		if (!body) return;
		const record: CallbackRecord = { taskId: task.id, url, body, at: this.now() };
		Object.assign(record, this.callbacksLost ? { error: 'lost' } : await postJson(url, body, signal));
		if (this.store.get(task.id) === task) this.callbacks.push(record);
	}

	/** Waits on the clock until the task ends, `giveUp()` turns true, the deadline passes or the emulator stops. */
	private async waitFor(task: Task, giveUp: () => boolean, deadline = Infinity): Promise<WaitResult> {
		for (;;) {
			// A reset forgets the task: nobody is waiting for it any more.
			if (this.stopped || giveUp() || this.store.get(task.id) !== task) return 'aborted';
			const now = this.now();
			if (task.isFinishedAt(now)) return 'finished';
			if (now >= deadline) return 'timeout';
			const next = Math.min(task.finishAt ?? Infinity, deadline) - now;
			await this.sleeper.sleep(this.manualClock ? MANUAL_CLOCK_POLL_MS : Math.min(Math.max(next, 1), MAX_SLEEP_MS));
		}
	}
}

function videoTaskId(path: string): string | undefined {
	const match = VIDEO_PATH.exec(path);
	return match ? decodePathPart(match[1]) : undefined;
}

function routeOf(method: string, path: string): Route | undefined {
	if (method === 'POST' && path === '/veo/videos') return 'videos';
	if (method === 'POST' && path === '/veo/tasks') return 'tasks';
	if ((method === 'GET' || method === 'HEAD') && VIDEO_PATH.test(path)) return 'download';
	return undefined;
}

function decodePathPart(part: string): string | undefined {
	try {
		return decodeURIComponent(part);
	} catch {
		return undefined;
	}
}

function bodyText(body: unknown): string {
	return typeof body === 'string' ? body : JSON.stringify(body);
}

function lowerKeys(headers: Record<string, string> = {}): Record<string, string> {
	const lower: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
	return lower;
}

function matches(matcher: TaskMatcher, request: Record<string, unknown>): boolean {
	return typeof matcher === 'function' ? matcher(structuredClone(request)) : typeof request.prompt === 'string' && request.prompt.includes(matcher);
}
