/**
 * Tasks and their lifecycle. A task's state is never stored: it is computed from its creation
 * time and the clock, so a manual clock moves every task forward without timers.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { seededRandom } from './seededRandom';
import type { CreateParams, TasksQuery } from './validation';
import type { TaskInfo, TaskOutcome, TaskRecord, TaskResponse, TaskState, VideoData } from './types';

// Fixed so that records look the same from run to run, like one deployed API would.
const API_ID = '5a8f3c1e-7b2d-4e6f-9a0b-1c2d3e4f5a6b';

type BatchQuery = Extract<TasksQuery, { action: 'retrieve_batch' }>;

export interface Timing {
	pendingMs: number;
	runningMs: number;
	/** Each task's times are scaled by 1 ± spread, drawn in creation order from `seed` (none when absent). */
	spread?: number;
	seed?: number;
}

export interface NewTask {
	token: string;
	request: Record<string, unknown>;
	params: CreateParams;
	outcome: TaskOutcome;
	createdAt: number;
	/** get1080p: the source's video id, which the new task reports as its own `data[0].id`. */
	sourceVideoId?: string;
}

export class Task {
	readonly id = randomUUID();
	readonly traceId = randomUUID();
	readonly mongoId = randomBytes(12).toString('hex');
	readonly videoId: string;
	readonly token: string;
	readonly request: Record<string, unknown>;
	readonly params: CreateParams;
	outcome: TaskOutcome;
	readonly createdAt: number;
	readonly runningAt: number;
	/** null: the task never finishes (until `finishNow`). */
	finishAt: number | null;

	constructor(init: NewTask, timing: Timing, random: () => number) {
		this.token = init.token;
		this.request = init.request;
		this.params = init.params;
		this.outcome = init.outcome;
		this.createdAt = init.createdAt;
		this.videoId = init.sourceVideoId ?? randomBytes(16).toString('hex');
		const factor = timing.spread ? 1 + timing.spread * (2 * random() - 1) : 1;
		this.runningAt = init.createdAt + Math.round(timing.pendingMs * factor);
		const slowerMs = init.outcome.kind === 'succeed' ? (init.outcome.slowerMs ?? 0) : 0;
		this.finishAt = init.outcome.kind === 'never' ? null : this.runningAt + Math.round(timing.runningMs * factor) + slowerMs;
	}

	/** Ends a task that would never finish, successfully, at `now` (its callback then goes out). */
	finishNow(now: number): void {
		if (this.finishAt !== null) return;
		this.outcome = { kind: 'succeed' };
		this.finishAt = Math.max(now, this.runningAt);
	}

	stateAt(now: number): TaskState {
		if (now < this.runningAt) return 'pending';
		if (this.finishAt === null || now < this.finishAt) return 'running';
		return this.outcome.kind === 'fail' ? 'failed' : 'succeeded';
	}

	isFinishedAt(now: number): boolean {
		const state = this.stateAt(now);
		return state === 'succeeded' || state === 'failed';
	}

	responseAt(now: number, videoUrl: string): TaskResponse | undefined {
		const state = this.stateAt(now);
		if (state === 'pending') return undefined;
		if (state === 'failed' && this.outcome.kind === 'fail') {
			return { success: false, task_id: this.id, trace_id: this.traceId, error: { ...this.outcome.error } };
		}
		// Keys in the order the service writes them, so that dumped records read like real ones.
		const data: VideoData =
			state === 'succeeded'
				? {
						id: this.videoId,
						video_url: videoUrl,
						created_at: formatDate(this.createdAt),
						complete_at: formatDate(this.finishAt as number),
						state: 'succeeded',
				  }
				: { id: this.videoId, created_at: formatDate(this.createdAt), state: 'running' };
		return { success: true, task_id: this.id, trace_id: this.traceId, data: [data] };
	}

	recordAt(now: number, videoUrl: string): TaskRecord {
		const record: TaskRecord = {
			_id: this.mongoId,
			id: this.id,
			trace_id: this.traceId,
			type: 'videos',
			api_id: API_ID,
			user_id: userIdFor(this.token),
			created_at: this.createdAt / 1000,
			request: structuredClone(this.request),
		};
		const response = this.responseAt(now, videoUrl);
		if (response) record.response = response;
		if (this.isFinishedAt(now)) record.finished_at = (this.finishAt as number) / 1000;
		return record;
	}

	infoAt(now: number, videoUrl: string): TaskInfo {
		return {
			id: this.id,
			traceId: this.traceId,
			videoId: this.videoId,
			token: this.token,
			action: this.params.action,
			model: this.params.model,
			request: structuredClone(this.request),
			callbackUrl: this.params.callbackUrl,
			createdAt: this.createdAt,
			runningAt: this.runningAt,
			finishAt: this.finishAt,
			outcome: this.outcome,
			state: this.stateAt(now),
			record: this.recordAt(now, videoUrl),
		};
	}
}

export class TaskStore {
	// A Map keeps insertion order, which is the creation order that listings promise.
	private readonly tasks = new Map<string, Task>();

	private random: () => number;

	constructor(private readonly timing: Timing) {
		this.random = seededRandom(timing.seed ?? 1);
	}

	add(init: NewTask): Task {
		const task = new Task(init, this.timing, this.random);
		this.tasks.set(task.id, task);
		return task;
	}

	get(id: string): Task | undefined {
		return this.tasks.get(id);
	}

	all(): Task[] {
		return [...this.tasks.values()];
	}

	ownedBy(token: string): Task[] {
		return this.all().filter((task) => task.token === token);
	}

	find(token: string, key: { id?: string; traceId?: string }): Task | undefined {
		return this.ownedBy(token).find(
			(task) => (key.id !== undefined && task.id === key.id) || (key.traceId !== undefined && task.traceId === key.traceId),
		);
	}

	inFlight(token: string, now: number): number {
		return this.ownedBy(token).filter((task) => !task.isFinishedAt(now)).length;
	}

	/** The task whose finished video a get1080p may upscale. */
	succeededWithVideo(token: string, videoId: string, now: number): Task | undefined {
		return this.ownedBy(token).find((task) => task.videoId === videoId && task.stateAt(now) === 'succeeded');
	}

	/** Forgets every task; varying durations start again from the seed. */
	clear(): void {
		this.tasks.clear();
		this.random = seededRandom(this.timing.seed ?? 1);
	}
}

/** The service writes dates inside `data` as 'YYYY-MM-DD HH:MM:SS'; the emulator uses UTC. */
export function formatDate(ms: number): string {
	return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Stable per token, so that every task of one token reports the same user. */
export function userIdFor(token: string): string {
	const hex = createHash('sha256').update(`user:${token}`).digest('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The filters of retrieve_batch; ids and trace_ids together match either. */
export function matchesBatch(task: Task, query: BatchQuery): boolean {
	if (query.ids !== undefined || query.traceIds !== undefined) {
		const byId = query.ids?.includes(task.id) ?? false;
		const byTrace = query.traceIds?.includes(task.traceId) ?? false;
		if (!byId && !byTrace) return false;
	}
	const createdAt = task.createdAt / 1000;
	if (query.createdAtMin !== undefined && createdAt < query.createdAtMin) return false;
	if (query.createdAtMax !== undefined && createdAt > query.createdAtMax) return false;
	return query.type === undefined || query.type === 'videos';
}
