import type { ApiFailure } from './apiFailure';
import { isTransient } from './apiFailure';
import { chunk } from './inputList';
import { settle } from './settle';
import type { TaskRecord } from './taskRecord';
import { isFinished, taskState } from './taskRecord';

/** The service answers at most this many ids per retrieve_batch call. */
export const BATCH_SIZE = 50;

export interface WaitingTask {
	taskId: string;
	/** When to give up on this task (ms on the `now` clock). */
	deadline: number;
}

export interface WaitDeps {
	/** One retrieve_batch call; throws `{ failure }` errors on failure. */
	query(ids: string[]): Promise<TaskRecord[]>;
	pause(ms: number): Promise<void>;
	now(): number;
}

export type WaitOutcome =
	| { kind: 'finished'; record: TaskRecord }
	| { kind: 'timeout'; record?: TaskRecord }
	| { kind: 'error'; failure: ApiFailure; record?: TaskRecord };

/**
 * Waits for many tasks together: every round asks for all unfinished tasks at once, one call per
 * BATCH_SIZE ids, so a batch of a hundred costs two requests a round, not a hundred. A query that
 * fails for a passing reason (busy, 5xx, network) is simply asked again next round; one that fails
 * for good (a revoked token) ends the tasks it asked about.
 */
export async function waitForTasks(
	tasks: WaitingTask[],
	pollIntervalMs: number,
	deps: WaitDeps,
): Promise<Map<string, WaitOutcome>> {
	const outcomes = new Map<string, WaitOutcome>();
	const pending = new Map<string, { deadline: number; record?: TaskRecord }>();
	for (const task of tasks) pending.set(task.taskId, { deadline: task.deadline });

	while (pending.size > 0) {
		const nextDeadline = Math.min(...[...pending.values()].map((task) => task.deadline));
		await deps.pause(Math.max(0, Math.min(pollIntervalMs, nextDeadline - deps.now())));

		for (const ids of chunk([...pending.keys()], BATCH_SIZE)) {
			const answer = await settle(async () => await deps.query(ids));
			if (!answer.ok) {
				const failure = (answer.error as { failure?: ApiFailure }).failure;
				if (!failure) throw answer.error;
				if (isTransient(failure)) continue;
				for (const id of ids) {
					outcomes.set(id, { kind: 'error', failure, record: pending.get(id)?.record });
					pending.delete(id);
				}
				continue;
			}
			for (const record of answer.value) {
				const id = String(record.id ?? '');
				const task = pending.get(id);
				if (!task) continue;
				task.record = record;
				if (isFinished(taskState(record).state)) {
					outcomes.set(id, { kind: 'finished', record });
					pending.delete(id);
				}
			}
		}

		const now = deps.now();
		for (const [id, task] of pending) {
			if (now >= task.deadline) {
				outcomes.set(id, { kind: 'timeout', record: task.record });
				pending.delete(id);
			}
		}
	}
	return outcomes;
}
