import type { ApiFailure } from './apiFailure';
import { failureOf, isTransient } from './apiFailure';
import { backoffMs } from './backoff';
import type { Caught } from './caught';
import { caught } from './caught';

/**
 * The one loop that asks again after a passing failure: reads (readRetry.ts) and a paused batch's
 * queries (pause/sharedQueries.ts). What differs between them is a policy; the schedule is backoffMs
 * (shared with the pacer's refusal back-off). Creates never come here: a second create can be a
 * second paid video.
 */
export interface RetryPolicy {
	/** The pause before the first retry; it doubles with each, with jitter (backoffMs). */
	firstDelayMs: number;
	/** Which failures are worth another try; default: isTransient. */
	retryable?: (failure: ApiFailure) => boolean;
	/** At most this many tries in all; default: no cap. */
	maxTries?: number;
	/** No pause that would end later than this after the first try began; default: no cap. */
	withinMs?: number;
	/** A Retry-After longer than this is not waited out; default: any is. */
	maxRetryAfterMs?: number;
}

/** How the loop waits: `sleep` may reject (a cancelled execution), which ends the loop at once. */
export interface RetryClock {
	sleep(ms: number): Promise<void>;
	now?: () => number;
	random?: () => number;
}

/**
 * The pause before retry number `retry` (0 for the first), or undefined when it is not worth
 * waiting for: the service's Retry-After if it gave one (and the policy takes it), else the backoff.
 */
export function retryDelayMs(retry: number, failure: ApiFailure, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
	if (failure.retryAfterMs !== undefined) {
		return failure.retryAfterMs <= (policy.maxRetryAfterMs ?? Infinity) ? failure.retryAfterMs : undefined;
	}
	return backoffMs(retry, random, policy.firstDelayMs);
}

/**
 * Tries `once` until it succeeds, its failure is not worth another try, the policy's tries or time
 * are used up, or the pause is cancelled (then the pause's error is the outcome). Gives how the last
 * try ended (the very object `once` gave) and how many tries were made.
 */
export async function withRetries<T>(
	once: () => Promise<Caught<T>>,
	policy: RetryPolicy,
	clock: RetryClock,
): Promise<{ outcome: Caught<T>; attempts: number }> {
	const now = clock.now ?? Date.now;
	const retryable = policy.retryable ?? isTransient;
	const giveUpAt = policy.withinMs === undefined ? Infinity : now() + policy.withinMs;
	for (let attempt = 1; ; attempt++) {
		const outcome = await once();
		if (outcome.ok || attempt >= (policy.maxTries ?? Infinity)) return { outcome, attempts: attempt };
		const failure = failureOf(outcome.error);
		const delay = failure && retryable(failure) ? retryDelayMs(attempt - 1, failure, policy, clock.random) : undefined;
		if (delay === undefined || now() + delay > giveUpAt) return { outcome, attempts: attempt };
		const paused = await caught(async () => await clock.sleep(delay));
		if (!paused.ok) return { outcome: paused, attempts: attempt };
	}
}
