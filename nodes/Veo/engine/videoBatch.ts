import type { IDataObject } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { failureOf, isTransient } from '../helpers/apiFailure';
import { mayHaveCreated, neverReachedService } from './createFailure';
import type { EarlierCreate } from './createLedger';
import { FinishPredictor } from './finishPredictor';
import { chunk } from '../helpers/inputList';
import { RefusalStreak } from './refusalStreak';
import type { VeoCreateBody } from '../helpers/requestBody';
import { caught } from '../helpers/caught';
import { SubmitPacer } from './submitPacer';
import { adoptionOf, CLOCK_TOLERANCE_S, LOOK_AFTER_MS } from './taskAdoption';
import type { TaskRecord } from '../helpers/taskRecord';
import { isFinished, taskState } from '../helpers/taskRecord';
import { BATCH_SIZE, POLL_GAP_MS, SUBMIT_TIMEOUT_MS } from '../helpers/limits';

/** The shortest time any task query is given, whatever the remaining wait. */
const MIN_REQUEST_TIMEOUT_MS = 1000;

/**
 * Looks timed by the predictor (rounds sooner than the Poll Interval) a task may cause; after them it
 * is left to the Poll Interval. Without this bound, a batch whose durations vary looked at every task
 * within the durations seen at every gap, many times a video.
 */
export const MAX_PREDICTED_QUERIES = 2;

export interface BatchJob {
	key: number;
	body: VeoCreateBody;
	/** Whether the caller waits for the video, or only needs the task submitted. */
	wait: boolean;
	/** How long to wait for the video once the service accepted it (and how long refusals may last). */
	maxWaitMs: number;
	/**
	 * What an earlier try of this run (n8n's Retry On Fail) created for this job: it is not submitted
	 * again. A known task is waited for like any accepted one; a create whose answer was lost is
	 * looked for again (with the body that was sent) and fails again if still not found.
	 */
	earlier?: EarlierCreate;
}

export type JobOutcome =
	| { kind: 'submitted'; taskId: string; answer: IDataObject }
	| { kind: 'finished'; taskId: string; record: TaskRecord }
	/**
	 * With taskId: the task did not finish within Max Wait of being accepted. Without: the service
	 * refused (429) every try for Max Wait in a row; nothing was created.
	 */
	| { kind: 'timeout'; taskId?: string; record?: TaskRecord; lastRefusal?: ApiFailure; refusedForMs?: number }
	/**
	 * `mayExist`: the create's answer was lost and no task of it was found (`sentAt`, ms) or several
	 * records could be it (`candidates`); it was not sent again.
	 */
	| {
			kind: 'failed';
			taskId?: string;
			failure: ApiFailure;
			record?: TaskRecord;
			mayExist?: boolean;
			sentAt?: number;
			candidates?: string[];
	  }
	/** The caller stopped the batch while this task was still being waited for; `record` is its last known state. */
	| { kind: 'abandoned'; taskId: string; record?: TaskRecord }
	/**
	 * Never submitted (nothing was created): every slot stayed taken by this batch's own tasks
	 * (`heldBy`), and for `stalledForMs` (a whole Max Wait) none of them finished and no create was accepted.
	 */
	| { kind: 'unsubmitted'; heldBy: string[]; stalledForMs: number };

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
	sleep(ms: number): Promise<void>;
	now(): number;
	/** Jitter for the back-off after refusals; Math.random by default. */
	random?(): number;
	/** Called as soon as the service accepted a task, so it is never lost whatever happens next. */
	onCreated?(key: number, taskId: string): void;
	/** Called as soon as a waited-for task is seen finished (downloads can start at once). */
	onFinished?(key: number, record: TaskRecord): void;
	/**
	 * Called when a task whose outcome was already decided (submitted, or timed out) is seen finished
	 * while items are still queued: a caller that pauses for callbacks learns of a failure here, before
	 * the next create goes out.
	 */
	onDecidedTaskFinished?(key: number, record: TaskRecord): void;
	/**
	 * Called the moment a job's outcome is decided (submitted, finished, timeout or failed), so the
	 * caller can decide to stop the batch. Abandoned tasks are not reported here: the caller stopped.
	 */
	onDecided?(key: number, outcome: JobOutcome): void;
	/**
	 * Checked before every submit and after every pause and poll round. Once true, nothing more is
	 * submitted and the engine returns at once: jobs never submitted get no outcome, tasks still
	 * waited for come back `abandoned`.
	 */
	shouldStop?(): boolean;
}

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
	return await new VideoBatch(jobs, settings, deps).run();
}

/** A task the service accepted (or that was found after a lost answer). */
interface Accepted {
	job: BatchJob;
	/** Max Wait counts from here. */
	acceptedAt: number;
	lastRunningAt: number;
	record?: TaskRecord;
	/** Its outcome is decided (not waited for, or timed out); it may still hold a slot at the service. */
	decided: boolean;
	/** Rounds sooner than the Poll Interval that were timed for this task (at most MAX_PREDICTED_QUERIES). */
	predictedQueries: number;
}

/** A create whose answer was lost: its task may exist, and is looked for before anything else is decided. */
interface LostCreate {
	job: BatchJob;
	failure: ApiFailure;
	sentAt: number;
	failedAt: number;
	looks: number;
}

/**
 * The policy, one step per event:
 * - admit: submit queued jobs while the pacer allows;
 * - submit: one create, and what its answer means (accepted, refused, not sent, lost, failed);
 * - refused: a 429 backs off (pacer) and fails the queued items the service has refused for their
 *   whole Max Wait in a row;
 * - lost: a create without a clear answer is never sent again; its task is looked for (look) and
 *   adopted, or the item fails saying when the task may have been created;
 * - poll: one round of task queries; finished tasks free their slots;
 * - expire: a task still unfinished Max Wait after it was accepted times out.
 */
class VideoBatch {
	private readonly outcomes = new Map<number, JobOutcome>();

	private queue: BatchJob[];

	private readonly accepted = new Map<string, Accepted>();

	private lostCreates: LostCreate[] = [];

	/** Task ids this run owns: a record among them is never adopted for another item. */
	private readonly claimed = new Set<string>();

	/** Jobs whose create never left once (connection refused and the like): the next such failure is final. */
	private readonly notSentOnce = new Set<number>();

	private readonly pacer: SubmitPacer;

	private readonly predictor = new FinishPredictor();

	private readonly streak = new RefusalStreak();

	private lastPollAt = -Infinity;

	/** The last time the queue moved: a create accepted, or a task of ours seen finished (or the start). */
	private lastProgressAt = 0;

	constructor(
		jobs: BatchJob[],
		private readonly settings: BatchSettings,
		private readonly deps: BatchDeps,
	) {
		this.queue = jobs.filter((job) => !job.earlier);
		const userCap = settings.maxConcurrent && settings.maxConcurrent > 0 ? settings.maxConcurrent : Infinity;
		this.pacer = new SubmitPacer(userCap, deps.random ?? Math.random);
		for (const job of jobs) if (job.earlier) this.resume(job, job.earlier);
	}

	/** A job an earlier try already sent: never sent again. Its task is looked at in the first round. */
	private resume(job: BatchJob, earlier: EarlierCreate): void {
		if ('taskId' in earlier) {
			this.start(job, earlier.taskId, { task_id: earlier.taskId, recovered: true }, earlier.acceptedAt);
			this.lastPollAt = -Infinity;
			return;
		}
		const failure = earlier.failure ?? { code: 'answer_lost', message: 'the answer to an earlier try was lost' };
		this.lostCreates.push({ job: { ...job, body: earlier.body }, failure, sentAt: earlier.sentAt, failedAt: this.deps.now(), looks: 0 });
	}

	async run(): Promise<Map<number, JobOutcome>> {
		this.lastProgressAt = this.deps.now();
		for (;;) {
			await this.admit();
			if (this.stopRequested()) return this.abandon();
			await this.lookAgain();
			if (this.stopRequested()) return this.abandon();
			if (this.queue.length === 0 && this.undecidedTasks().length === 0 && this.lostCreates.length === 0) return this.outcomes;

			await this.deps.sleep(Math.max(0, this.nextWake() - this.deps.now()));
			if (this.stopRequested()) return this.abandon();
			if (this.deps.now() >= this.nextPollAt()) await this.poll();
			if (this.stopRequested()) return this.abandon();
			this.expire();
			this.releaseHeldQueue();
		}
	}

	// ----- submitting -----

	private async admit(): Promise<void> {
		while (this.queue.length > 0 && this.deps.now() >= this.nextSubmitAt() && !this.stopRequested()) {
			const refused = await this.submit(this.queue[0]);
			if (refused) return;
		}
	}

	/** When the next create may go: the pacer's word, but no later than a queued item's refusal deadline. */
	private nextSubmitAt(): number {
		const paced = this.pacer.nextAttemptAt(this.inFlight());
		if (paced === Infinity) return Infinity;
		const deadline = Math.min(...this.queue.map((job) => this.streak.outlastsAt(job.maxWaitMs)));
		return Math.min(paced, deadline);
	}

	/** Sends one create; true when the service refused it (the job stays first in line). */
	private async submit(job: BatchJob): Promise<boolean> {
		const sentAt = this.deps.now();
		const answer = await caught(async () => await this.deps.submit(job.body, SUBMIT_TIMEOUT_MS));
		if (answer.ok && typeof answer.value.task_id === 'string' && answer.value.task_id) {
			this.dequeue(job);
			this.pacer.accepted(this.deps.now(), this.inFlight());
			this.streak.broken();
			this.start(job, answer.value.task_id, answer.value, this.deps.now());
			return false;
		}
		const failure = answer.ok
			? { status: 200, code: 'missing_task_id', message: 'The service accepted the request but gave no task ID' }
			: failureOrRethrow(answer.error);
		if (failure.status === 429) {
			this.refused(failure);
			return true;
		}
		if (neverReachedService(failure) && !this.notSentOnce.has(job.key)) {
			this.notSentOnce.add(job.key);
			this.pacer.notSent(this.deps.now());
			return true;
		}
		this.dequeue(job);
		if (mayHaveCreated(failure)) await this.lost(job, failure, sentAt);
		else this.decide(job.key, { kind: 'failed', failure, mayExist: false });
		return false;
	}

	private refused(failure: ApiFailure): void {
		const now = this.deps.now();
		this.streak.refused(now);
		this.pacer.refused(now, this.inFlight(), failure.retryAfterMs);
		const refusedForMs = this.streak.lastedMs(now);
		const givenUp = this.queue.filter((job) => refusedForMs >= job.maxWaitMs);
		this.queue = this.queue.filter((job) => refusedForMs < job.maxWaitMs);
		for (const job of givenUp) this.decide(job.key, { kind: 'timeout', lastRefusal: failure, refusedForMs });
	}

	/** A task of ours exists from now on: it is reported at once, so it is never lost. */
	private start(job: BatchJob, taskId: string, answer: IDataObject, acceptedAt: number, record?: TaskRecord): void {
		this.claimed.add(taskId);
		this.lastProgressAt = this.deps.now();
		this.deps.onCreated?.(job.key, taskId);
		this.accepted.set(taskId, { job, acceptedAt, lastRunningAt: acceptedAt, record, decided: !job.wait, predictedQueries: 0 });
		if (!job.wait) this.decide(job.key, { kind: 'submitted', taskId, answer });
		if (this.lastPollAt === -Infinity) this.lastPollAt = this.deps.now();
	}

	// ----- a create without a clear answer -----

	/** Never sent again: the task is looked for now, and then at LOOK_AFTER_MS after the failure. */
	private async lost(job: BatchJob, failure: ApiFailure, sentAt: number): Promise<void> {
		const lost: LostCreate = { job, failure, sentAt, failedAt: this.deps.now(), looks: 0 };
		this.lostCreates.push(lost);
		await this.look(lost);
	}

	private async lookAgain(): Promise<void> {
		for (const lost of [...this.lostCreates]) {
			if (this.deps.now() >= this.nextLookAt(lost)) await this.look(lost);
		}
	}

	private nextLookAt(lost: LostCreate): number {
		return lost.failedAt + LOOK_AFTER_MS[lost.looks];
	}

	private async look(lost: LostCreate): Promise<void> {
		lost.looks++;
		const { job, failure, sentAt } = lost;
		const listed = await caught(async () => await this.deps.listSince(sentAt / 1000 - CLOCK_TOLERANCE_S));
		if (!listed.ok) failureOrRethrow(listed.error);
		const found = listed.ok ? adoptionOf(listed.value, job.body, sentAt, this.claimed) : { kind: 'none' as const };
		const done = found.kind !== 'none' || lost.looks >= LOOK_AFTER_MS.length;
		if (!done) return;
		this.lostCreates = this.lostCreates.filter((other) => other !== lost);
		if (found.kind === 'adopt') {
			const taskId = String(found.record.id);
			const answer = { task_id: taskId, trace_id: found.record.trace_id ?? null, recovered: true };
			// The service accepted it about when it was sent: Max Wait counts from there.
			this.start(job, taskId, answer, sentAt, found.record);
			return;
		}
		const candidates = found.kind === 'ambiguous' ? found.taskIds : undefined;
		this.decide(job.key, { kind: 'failed', failure, mayExist: true, sentAt, candidates });
	}

	// ----- waiting -----

	private async poll(): Promise<void> {
		const polledAt = this.deps.now();
		const watched = this.tasksToQuery();
		// A round sooner than the Poll Interval is a timed look, charged to the tasks it was timed for.
		if (polledAt < this.lastPollAt + this.settings.pollIntervalMs) {
			for (const [, task] of watched) if (this.predictedQueryAt(task) <= polledAt) task.predictedQueries++;
		}
		this.lastPollAt = polledAt;
		const ids = watched.map(([id]) => id);
		let freed = false;
		for (const batch of chunk(ids, BATCH_SIZE)) {
			const answer = await caught(async () => await this.deps.query(batch, this.queryTimeout()));
			if (!answer.ok) {
				const failure = failureOrRethrow(answer.error);
				if (!isTransient(failure)) this.failWaiting(batch, failure);
				continue;
			}
			for (const record of answer.value) {
				const id = String(record.id ?? '');
				const task = this.accepted.get(id);
				if (!task) continue;
				task.record = record;
				if (!isFinished(taskState(record).state)) {
					task.lastRunningAt = polledAt;
					continue;
				}
				this.predictor.learn(task.acceptedAt, task.lastRunningAt, polledAt);
				this.accepted.delete(id);
				freed = true;
				if (task.decided) {
					this.deps.onDecidedTaskFinished?.(task.job.key, record);
					continue;
				}
				this.deps.onFinished?.(task.job.key, record);
				this.decide(task.job.key, { kind: 'finished', taskId: id, record });
			}
		}
		if (freed) {
			this.lastProgressAt = this.deps.now();
			this.pacer.finished(this.deps.now());
			this.streak.broken();
		}
	}

	/** A query the service refuses for good (401, 403...): the waiting items cannot learn their fate. */
	private failWaiting(ids: string[], failure: ApiFailure): void {
		for (const id of ids) {
			const task = this.accepted.get(id);
			if (!task || task.decided) continue;
			task.decided = true;
			this.decide(task.job.key, { kind: 'failed', taskId: id, failure, record: task.record });
		}
	}

	private expire(): void {
		const now = this.deps.now();
		for (const [taskId, task] of this.accepted) {
			if (task.decided || now < this.deadline(task)) continue;
			task.decided = true;
			this.decide(task.job.key, { kind: 'timeout', taskId, record: task.record });
		}
	}

	/**
	 * The queue's bound: while every slot is taken by tasks of ours (the user's Max Videos in Progress,
	 * or a limit learned from 429s), queued items wait for one of them to finish. A task that never
	 * finishes would hold them for ever, so once the queue has not moved for a queued item's whole Max
	 * Wait, that item fails unsubmitted (nothing was created for it). A timed-out task still counts as
	 * holding its slot: the service may still be making it, and submitting past the cap could cost more
	 * than the user allowed.
	 */
	private releaseHeldQueue(): void {
		if (!this.heldBySlots()) return;
		const stalledForMs = this.deps.now() - this.lastProgressAt;
		const givenUp = this.queue.filter((job) => stalledForMs >= job.maxWaitMs);
		if (givenUp.length === 0) return;
		this.queue = this.queue.filter((job) => stalledForMs < job.maxWaitMs);
		const heldBy = [...this.accepted.keys()];
		for (const job of givenUp) this.decide(job.key, { kind: 'unsubmitted', heldBy, stalledForMs });
	}

	/** Queued items wait for a slot of ours to free up (not for a refusal's back-off). */
	private heldBySlots(): boolean {
		return this.queue.length > 0 && this.pacer.nextAttemptAt(this.inFlight()) === Infinity;
	}

	// ----- when -----

	private nextWake(): number {
		const now = this.deps.now();
		return Math.min(
			now + this.settings.pollIntervalMs,
			this.nextPollAt(),
			this.queue.length > 0 ? this.nextSubmitAt() : Infinity,
			this.heldBySlots() ? this.lastProgressAt + Math.min(...this.queue.map((job) => job.maxWaitMs)) : Infinity,
			...this.lostCreates.map((lost) => this.nextLookAt(lost)),
			...this.undecidedTasks().map((task) => this.deadline(task)),
		);
	}

	/** The Poll Interval after the last round, or sooner for a task the predictor expects done; never within a second. */
	private nextPollAt(): number {
		const watched = this.tasksToQuery();
		if (watched.length === 0) return Infinity;
		const predicted = watched.map(([, task]) => this.predictedQueryAt(task));
		const due = Math.min(this.lastPollAt + this.settings.pollIntervalMs, ...predicted);
		// Whatever the predictor wants, rounds keep the service's poll gap.
		return Math.max(this.lastPollAt + POLL_GAP_MS, due);
	}

	/** When the predictor wants to query this task; Infinity once it has had its predicted queries. */
	private predictedQueryAt(task: Accepted): number {
		if (task.predictedQueries >= MAX_PREDICTED_QUERIES) return Infinity;
		return this.predictor.nextLook(task.acceptedAt, task.lastRunningAt);
	}

	/** Max Wait counts from the moment the service accepted the task. */
	private deadline(task: Accepted): number {
		return task.acceptedAt + task.job.maxWaitMs;
	}

	/** A stuck connection must not hold the node past a Max Wait (but a query gets a fair chance). */
	private queryTimeout(): number {
		const soonest = Math.min(...this.undecidedTasks().map((task) => this.deadline(task)));
		return Math.max(MIN_REQUEST_TIMEOUT_MS, soonest - this.deps.now());
	}

	// ----- bookkeeping -----

	/** Tasks nobody waits for are still asked about while submits are queued: their slots matter. */
	private tasksToQuery(): Array<[string, Accepted]> {
		return [...this.accepted].filter(([, task]) => !task.decided || this.queue.length > 0);
	}

	private undecidedTasks(): Accepted[] {
		return [...this.accepted.values()].filter((task) => !task.decided);
	}

	/** Tasks that may hold a slot at the service: ours not seen finished, and lost creates still looked for. */
	private inFlight(): number {
		return this.accepted.size + this.lostCreates.length;
	}

	private dequeue(job: BatchJob): void {
		this.queue = this.queue.filter((queued) => queued !== job);
	}

	private decide(key: number, outcome: JobOutcome): void {
		this.outcomes.set(key, outcome);
		this.deps.onDecided?.(key, outcome);
	}

	private stopRequested(): boolean {
		return this.deps.shouldStop?.() === true;
	}

	/** Stopped by the caller: waited-for tasks come back with their last known state, lost creates as such. */
	private abandon(): Map<number, JobOutcome> {
		for (const [taskId, task] of this.accepted) {
			if (!task.decided) this.outcomes.set(task.job.key, { kind: 'abandoned', taskId, record: task.record });
		}
		for (const { job, failure, sentAt } of this.lostCreates) {
			this.outcomes.set(job.key, { kind: 'failed', failure, mayExist: true, sentAt });
		}
		return this.outcomes;
	}
}

/** The service failure behind an error; anything else is a bug or a cancel, and ends the batch. */
function failureOrRethrow(error: unknown): ApiFailure {
	const failure = failureOf(error);
	if (failure) return failure;
	throw error;
}
