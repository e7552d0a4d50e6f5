import type { Caught } from '../helpers/caught';
import { POLL_GAP_MS } from '../helpers/limits';
import { caught } from '../helpers/caught';
import { withRetries } from '../helpers/retry';

/**
 * Every callback of a paused batch asks the service about the whole batch. A thousand callbacks (or
 * one forger repeating one) must not become a thousand queries against the service's 60 a second:
 * callbacks that arrive while a query is under way or due share the next one, and queries of one batch
 * start at least POLL_GAP_MS apart (the service's poll gap).
 */
/** A query that fails for a passing reason is tried again, Retry-After honoured, for this long in all. */
export const QUERY_RETRY_MS = 30_000;
/** A batch no callback asked about for this long is forgotten. */
const FORGET_AFTER_MS = 10 * 60_000;

export interface LookClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** One batch's queries: the one under way, the one callbacks wait to share, and when the last began. */
class BatchQueries<T> {
	private running: Promise<unknown> | undefined;

	private next: Promise<Caught<T>> | undefined;

	private lastStart = -Infinity;

	/** When a callback last asked; a batch nobody asked about for long is forgotten. */
	lastAsked: number;

	constructor(private readonly clock: LookClock) {
		this.lastAsked = clock.now();
	}

	/**
	 * The result of a query that starts after this call: a query already under way may have begun before
	 * the news this caller brings, so it is not reused; the next one is shared.
	 */
	async query(fetch: () => Promise<T>): Promise<Caught<T>> {
		this.lastAsked = this.clock.now();
		this.next ??= this.startNext(fetch);
		return await this.next;
	}

	private async startNext(fetch: () => Promise<T>): Promise<Caught<T>> {
		// Always awaited, even when nothing runs: `query` must have stored this promise as `next` before
		// it is cleared below.
		await this.running;
		const wait = this.lastStart + POLL_GAP_MS - this.clock.now();
		if (wait > 0) await this.clock.sleep(wait);
		this.next = undefined;
		this.lastStart = this.clock.now();
		const running = caught(fetch);
		this.running = running;
		const result = await running;
		if (this.running === running) this.running = undefined;
		return result;
	}
}

/** The queries of every batch this process is waiting on, by pause (execution and batch). */
export class SharedQueries<T> {
	private readonly batches = new Map<string, BatchQueries<T>>();

	constructor(private readonly clock: LookClock) {}

	async query(batchKey: string, fetch: () => Promise<T>): Promise<Caught<T>> {
		const now = this.clock.now();
		for (const [key, batch] of this.batches) if (now - batch.lastAsked > FORGET_AFTER_MS) this.batches.delete(key);
		let batch = this.batches.get(batchKey);
		if (!batch) {
			batch = new BatchQueries<T>(this.clock);
			this.batches.set(batchKey, batch);
		}
		return await batch.query(fetch);
	}
}

/**
 * Runs `query` until it succeeds, a failure is not a passing one, or QUERY_RETRY_MS would pass (the
 * loop is helpers/retry.ts). The service does not repeat a callback: when the last task's query fails,
 * nothing else would ever resume the batch, so a Retry-After of 30 s is waited out here (the read
 * retries give up beyond 10 s). Its pauses cannot be cancelled: a callback has no execution to stop.
 */
export async function withQueryRetries<T>(
	query: () => Promise<Caught<T>>,
	clock: LookClock,
	random: () => number = Math.random,
): Promise<Caught<T>> {
	const policy = { firstDelayMs: POLL_GAP_MS, withinMs: QUERY_RETRY_MS };
	return (await withRetries(query, policy, { sleep: async (ms) => await clock.sleep(ms), now: () => clock.now(), random })).outcome;
}
