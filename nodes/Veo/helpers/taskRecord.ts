import type { IDataObject } from 'n8n-workflow';

export type TaskState = 'submitted' | 'pending' | 'processing' | 'succeeded' | 'failed';

export interface VeoVideo extends IDataObject {
	id?: string;
	video_url?: string;
	state?: string;
	created_at?: string;
	complete_at?: string;
}

export interface VeoTaskError extends IDataObject {
	code: string;
	message: string;
}

/** The blocking/callback answer, stored as `response` in a task record. */
export interface VeoResult extends IDataObject {
	success?: boolean;
	task_id?: string;
	trace_id?: string;
	data?: VeoVideo[];
	error?: VeoTaskError;
}

/** A record of `POST /veo/tasks` (retrieve, retrieve_batch). */
export interface TaskRecord extends IDataObject {
	id?: string;
	trace_id?: string;
	created_at?: number;
	finished_at?: number | null;
	request?: IDataObject;
	response?: VeoResult;
}

/** One output item's JSON: the same shape for every operation. */
export interface TaskOutput extends IDataObject {
	taskId: string;
	traceId: string | null;
	state: TaskState;
	videoId: string | null;
	videoUrl: string | null;
	videos: VeoVideo[];
	createdAt: string | null;
	completedAt: string | null;
	error: VeoTaskError | null;
	raw: IDataObject;
}

const FAILED_STATES = ['failed', 'error', 'cancelled', 'canceled', 'rejected'];

export function isFinished(state: TaskState): boolean {
	return state === 'succeeded' || state === 'failed';
}

/**
 * Reads a task's state the way the service means it. An unknown state counts as still running:
 * the waiting limit, not this function, decides when to give up on it.
 */
export function taskState(record: TaskRecord): { state: TaskState; error: VeoTaskError | null } {
	const response = record.response;
	if (!response || typeof response !== 'object') return { state: 'pending', error: null };
	if (response.success === false || response.error) {
		return {
			state: 'failed',
			error: {
				code: String(response.error?.code ?? 'failed'),
				message: String(response.error?.message ?? 'The service reported the task as failed'),
			},
		};
	}
	const videos = Array.isArray(response.data) ? response.data : [];
	const states = videos.map((video) => String(video.state ?? '').toLowerCase());
	const failed = states.find((state) => FAILED_STATES.includes(state));
	if (failed) {
		return { state: 'failed', error: { code: failed, message: `The service reported the video as ${failed}` } };
	}
	if (videos.length > 0 && states.every((state) => state === 'succeeded')) {
		if (videos.some((video) => !video.video_url)) {
			return {
				state: 'failed',
				error: { code: 'missing_video_url', message: 'The service reported the task as finished but gave no video URL' },
			};
		}
		return { state: 'succeeded', error: null };
	}
	return { state: 'processing', error: null };
}

/** Turns a task record into the node's output JSON. */
export function taskOutput(record: TaskRecord, taskId = String(record.id ?? '')): TaskOutput {
	const { state, error } = taskState(record);
	const videos = Array.isArray(record.response?.data) ? (record.response?.data as VeoVideo[]) : [];
	const first = videos[0];
	return {
		taskId,
		traceId: record.trace_id ?? record.response?.trace_id ?? null,
		state,
		videoId: first?.id ?? null,
		videoUrl: first?.video_url ?? null,
		videos,
		createdAt: epochToIso(record.created_at) ?? first?.created_at ?? null,
		// The record's epoch times are unambiguous; the video's own date strings carry no time zone.
		completedAt: epochToIso(record.finished_at) ?? first?.complete_at ?? null,
		error,
		raw: record,
	};
}

/** The output of a task that was only submitted: the service has said nothing about it yet. */
export function submittedOutput(taskId: string, answer: IDataObject): TaskOutput {
	return {
		taskId,
		traceId: typeof answer.trace_id === 'string' ? answer.trace_id : null,
		state: 'submitted',
		videoId: null,
		videoUrl: null,
		videos: [],
		createdAt: null,
		completedAt: null,
		error: null,
		raw: answer,
	};
}

function epochToIso(seconds: unknown): string | null {
	if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return null;
	return new Date(seconds * 1000).toISOString();
}

/** A record that exists and has reached an end state (succeeded or failed). */
export function recordFinished(record: TaskRecord | undefined): record is TaskRecord {
	return record !== undefined && isFinished(taskState(record).state);
}
