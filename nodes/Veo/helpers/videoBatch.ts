import type { IDataObject } from 'n8n-workflow';

import type { ApiFailure } from './apiFailure';
import { failureOf, isTransient } from './apiFailure';
import { chunk } from './inputList';
import type { VeoCreateBody } from './requestBody';
import { settle } from './settle';
import { FinishPredictor } from './finishPredictor';
import { SubmitPacer } from './submitPacer';
import type { TaskRecord } from './taskRecord';
import { isFinished, taskState } from './taskRecord';

/** The service answers at most this many ids per retrieve_batch call. */
export const BATCH_SIZE = 50;

/** Server clocks drift; when looking for a task we may have created, look this far back too. */
const CLOCK_SLACK_S = 120;

/** A record can appear a moment after its create answer was lost; look twice, this far apart. */
const RECHECK_AFTER_MS = 2000;

/** The shortest time any single request is given, whatever the remaining wait. */
const MIN_REQUEST_TIMEOUT_MS = 1000;

/**
 * Rounds are at most this close together. Regular rounds keep the Poll Interval (1 s at least, as the
 * service asks); only the looks timed for a task that is due can come sooner. They are rare (a task
 * gets at most a couple) and cheap next to the service's 60 queries a second.
 */
const MIN_POLL_GAP_MS = 250;

export interface BatchJob {
	key: number;
	body: VeoCreateBody;
	/** Whether the caller waits for the video, or only needs the task submitted. */
	wait: boolean;
	maxWaitMs: number;
}

export type JobOutcome =
	| { kind: 'submitted'; taskId: string; answer: IDataObject }
	| { kind: 'finished'; taskId: string; record: TaskRecord }
	/** Without taskId: the service kept refusing with 429 until Max Wait; nothing was created. */
	| { kind: 'timeout'; taskId?: string; record?: TaskRecord; lastRefusal?: ApiFailure }
	/** `mayExist`: the submit failed in a way that leaves unknown whether a task was created. */
	| { kind: 'failed'; taskId?: string; failure: ApiFailure; record?: TaskRecord; mayExist?: boolean }
	/** The caller stopped the batch while this task was still being waited for; `record` is its last known state. */
	| { kind: 'abandoned'; taskId: string; record?: TaskRecord };

export interface BatchSettings {
	pollIntervalMs: number;
	/** The user's cap on videos in the making at once; 0 or undefined = as many as the service takes. */
	maxConcurrent?: number;
}

export interface BatchDeps {
	/** `POST /veo/videos`; throws an error carrying `failure` when it does not succeed. */
	submit(body: VeoCreateBody, timeoutMs: number): Promise<IDataObject>;
	/** One retrieve_batch call for at most BATCH_SIZE ids. */
	query(ids: string[], timeoutMs: number): Promise<TaskRecord[]>;
	/** Every task of this token created at or after `createdAtMin` (seconds). */
	listSince(createdAtMin: number): Promise<TaskRecord[]>;
	pause(ms: number): Promise<void>;
	now(): number;
	/** Called as soon as the service accepted a task, so it is never lost whatever happens next. */
	onCreated?(key: number, taskId: string): void;
	/** Called as soon as a waited-for task is seen finished (downloads can start at once). */
	onFinished?(key: number, record: TaskRecord): void;
	/**
	 * Called the moment a job's outcome is settled (submitted, finished, timeout or failed), so the
	 * caller can decide to stop the batch. Abandoned tasks are not reported here: the caller stopped.
	 */
	onSettled?(key: number, outcome: JobOutcome): void;
	/**
	 * Checked before every submit and after every pause and poll round. Once true, nothing more is
	 * submitted and the engine returns at once: jobs never submitted get no outcome, tasks still
	 * waited for come back `abandoned`.
	 */
	shouldStop?(): boolean;
}

interface RunningTask {
	job: BatchJob;
	record?: TaskRecord;
	submittedAt: number;
	lastRunningAt: number;
	/** Its outcome is settled (not waited for, or timed out); it may still hold a slot at the service. */
	settled: boolean;
}

type SubmitResult =
	| { kind: 'accepted'; taskId: string; answer: IDataObject }
	| { kind: 'refused'; failure: ApiFailure }
	| { kind: 'failed'; failure: ApiFailure; mayExist: boolean };

/**
 * Runs a batch of create requests to the end: submits them as fast as the service's limits allow
 * (learned from its 429 answers), and meanwhile asks about every unfinished task once per poll
 * interval, one retrieve_batch call per 50 tasks. A slot freed by a finished task is used at once.
 */
export async function runVideoBatch(
	jobs: BatchJob[],
	settings: BatchSettings,
	deps: BatchDeps,
): Promise<Map<number, JobOutcome>> {
	const outcomes = new Map<number, JobOutcome>();
	const pacer = new SubmitPacer(settings.maxConcurrent && settings.maxConcurrent > 0 ? settings.maxConcurrent : Infinity);
	const start = deps.now();
	const deadline = (job: BatchJob) => start + job.maxWaitMs;
	let queue = [...jobs];
	const running = new Map<string, RunningTask>();
	const known = new Set<string>();
	const predictor = new FinishPredictor();
	let lastPollAt = -Infinity;
	let lastRefusal: ApiFailure | undefined;
	const waitedFor = () => [...running.values()].filter((task) => !task.settled);
	const settleJob = (key: number, outcome: JobOutcome) => {
		outcomes.set(key, outcome);
		deps.onSettled?.(key, outcome);
	};
	const stopRequested = () => deps.shouldStop?.() === true;
	const abandonWaitedFor = () => {
		for (const [taskId, task] of running) {
			if (!task.settled) outcomes.set(task.job.key, { kind: 'abandoned', taskId, record: task.record });
		}
		return outcomes;
	};

	const submitJob = async (job: BatchJob, resubmitted = false): Promise<SubmitResult> => {
		const createdAtMin = deps.now() / 1000 - CLOCK_SLACK_S;
		const answer = await settle(async () => await deps.submit(job.body, requestTimeout(deadline(job))));
		if (answer.ok && typeof answer.value.task_id === 'string' && answer.value.task_id) {
			return { kind: 'accepted', taskId: answer.value.task_id, answer: answer.value };
		}
		const failure = answer.ok
			? { status: 200, code: 'missing_task_id', message: 'The service accepted the request but gave no task ID' }
			: failureOrRethrow(answer.error);
		if (failure.status === 429) return { kind: 'refused', failure };
		if (!isAmbiguous(failure)) return { kind: 'failed', failure, mayExist: false };

		// The task may or may not exist. Paying twice is worse than failing: adopt it if it is there,
		// submit again only once we are sure it is not.
		for (const delay of [0, RECHECK_AFTER_MS]) {
			if (delay) await deps.pause(delay);
			const listed = await settle(async () => await deps.listSince(createdAtMin));
			if (!listed.ok) return { kind: 'failed', failure, mayExist: true };
			const match = listed.value.find(
				(record) => record.id && !known.has(String(record.id)) && sameRequest(record.request, job.body),
			);
			if (match) {
				const taskId = String(match.id);
				return { kind: 'accepted', taskId, answer: { task_id: taskId, trace_id: match.trace_id ?? null, recovered: true } };
			}
		}
		if (resubmitted) return { kind: 'failed', failure, mayExist: true };
		return await submitJob(job, true);
	};

	const submitReady = async () => {
		while (queue.length > 0 && deps.now() >= pacer.nextAttemptAt(running.size) && !stopRequested()) {
			const job = queue[0];
			const result = await submitJob(job);
			if (result.kind === 'refused') {
				lastRefusal = result.failure;
				pacer.refused(deps.now(), running.size, result.failure.retryAfterMs);
				return;
			}
			queue.shift();
			if (result.kind === 'failed') {
				settleJob(job.key, { kind: 'failed', failure: result.failure, mayExist: result.mayExist });
				continue;
			}
			pacer.accepted(deps.now(), running.size);
			known.add(result.taskId);
			deps.onCreated?.(job.key, result.taskId);
			const now = deps.now();
			running.set(result.taskId, { job, settled: !job.wait, submittedAt: now, lastRunningAt: now });
			if (!job.wait) settleJob(job.key, { kind: 'submitted', taskId: result.taskId, answer: result.answer });
			if (lastPollAt === -Infinity) lastPollAt = now;
		}
	};

	// Tasks nobody waits for are still asked about while submits are queued: their slots matter.
	const watched = () => [...running].filter(([, task]) => !task.settled || queue.length > 0);

	const nextPollAt = () => {
		if (running.size === 0) return Infinity;
		const predicted = watched().map(([, task]) => predictor.nextLook(task.submittedAt, task.lastRunningAt));
		const due = Math.min(lastPollAt + settings.pollIntervalMs, ...predicted);
		return Math.max(lastPollAt + MIN_POLL_GAP_MS, due);
	};

	const pollRound = async () => {
		const polledAt = deps.now();
		lastPollAt = polledAt;
		const ids = watched().map(([id]) => id);
		let freed = false;
		for (const batch of chunk(ids, BATCH_SIZE)) {
			const answer = await settle(async () => await deps.query(batch, requestTimeout(soonestDeadline())));
			if (!answer.ok) {
				const failure = failureOrRethrow(answer.error);
				if (isTransient(failure)) continue;
				for (const id of batch) {
					const task = running.get(id);
					if (task && !task.settled) {
						task.settled = true;
						settleJob(task.job.key, { kind: 'failed', taskId: id, failure, record: task.record });
					}
				}
				continue;
			}
			for (const record of answer.value) {
				const id = String(record.id ?? '');
				const task = running.get(id);
				if (!task) continue;
				task.record = record;
				if (!isFinished(taskState(record).state)) {
					task.lastRunningAt = polledAt;
					continue;
				}
				predictor.learn(task.submittedAt, task.lastRunningAt, polledAt);
				running.delete(id);
				freed = true;
				if (task.settled) continue;
				deps.onFinished?.(task.job.key, record);
				settleJob(task.job.key, { kind: 'finished', taskId: id, record });
			}
		}
		if (freed) pacer.finished(deps.now());
	};

	// A stuck connection must not hold the node past its Max Wait (but a request gets a fair chance).
	const requestTimeout = (until: number) => Math.max(MIN_REQUEST_TIMEOUT_MS, until - deps.now());
	const soonestDeadline = () => Math.min(...watched().map(([, task]) => deadline(task.job)));

	const expire = () => {
		const now = deps.now();
		for (const [taskId, task] of running) {
			if (!task.settled && now >= deadline(task.job)) {
				task.settled = true;
				settleJob(task.job.key, { kind: 'timeout', taskId, record: task.record });
			}
		}
		const expired = queue.filter((job) => now >= deadline(job));
		queue = queue.filter((job) => now < deadline(job));
		for (const job of expired) settleJob(job.key, { kind: 'timeout', lastRefusal });
	};

	for (;;) {
		await submitReady();
		if (stopRequested()) return abandonWaitedFor();
		if (queue.length === 0 && waitedFor().length === 0) break;

		const deadlines = [...queue, ...waitedFor().map((task) => task.job)].map(deadline);
		const wake = Math.min(
			nextPollAt(),
			queue.length > 0 ? pacer.nextAttemptAt(running.size) : Infinity,
			...deadlines,
		);
		await deps.pause(Math.max(0, Math.min(wake, deps.now() + settings.pollIntervalMs) - deps.now()));
		if (stopRequested()) return abandonWaitedFor();

		if (deps.now() >= nextPollAt()) await pollRound();
		if (stopRequested()) return abandonWaitedFor();
		expire();
	}
	return outcomes;
}

/** The service failure behind an error; anything else is a bug or a cancel, and ends the batch. */
function failureOrRethrow(error: unknown): ApiFailure {
	const failure = failureOf(error);
	if (failure) return failure;
	throw error;
}

/** After these, the request may have reached the service and created a task. */
function isAmbiguous(failure: ApiFailure): boolean {
	return (
		failure.status === undefined ||
		failure.status >= 500 ||
		failure.code === 'invalid_answer' ||
		failure.code === 'missing_task_id'
	);
}

/** A stored task record is ours when it holds every field we sent, with the same values. */
export function sameRequest(stored: IDataObject | undefined, body: VeoCreateBody): boolean {
	if (!stored || typeof stored !== 'object') return false;
	return Object.entries(body).every(([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value));
}
