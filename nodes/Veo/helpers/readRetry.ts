import type { ApiFailure } from './apiFailure';
import { failureOf, isTransient } from './apiFailure';
import { backoffMs } from './backoff';
import type { Caught } from './caught';
import { caught } from './caught';

/**
 * Reads (task look-ups, video downloads) cost nothing and change nothing, so a passing failure of one
 * (busy, 5xx, a dropped connection, a garbled answer) is simply asked again, as the service's docs
 * advise: a few times, with exponential back-off and jitter. Creates are never retried here: a second
 * create can be a second paid video.
 */

/** A read is tried at most this many times: once, then twice more after a short pause. */
export const READ_ATTEMPTS = 3;
/** The first pause before asking again; it doubles each time, with jitter (half to full). */
export const READ_RETRY_FIRST_MS = 500;
/** A Retry-After longer than this is not waited out: a look-up should answer promptly or fail clearly. */
export const READ_RETRY_MAX_MS = 10_000;

export interface RetryOptions {
	sleep(ms: number): Promise<void>;
	/** Which failures are worth another try; default: isTransient. */
	retryable?: (failure: ApiFailure) => boolean;
	attempts?: number;
	random?: () => number;
}

/** How long to pause before try `attempt + 1`, or undefined when it is not worth waiting for. */
export function readRetryDelayMs(attempt: number, failure: ApiFailure, random: () => number = Math.random): number | undefined {
	if (failure.retryAfterMs !== undefined) {
		return failure.retryAfterMs <= READ_RETRY_MAX_MS ? failure.retryAfterMs : undefined;
	}
	return backoffMs(attempt, random, READ_RETRY_FIRST_MS);
}

/**
 * Runs a read, asking again after passing failures. Reports how the last try ended, plus how many
 * tries were made; a cancelled pause ends it at once with the pause's error.
 */
export async function withReadRetries<T>(
	read: () => Promise<T>,
	options: RetryOptions,
): Promise<Caught<T> & { attempts: number }> {
	const attempts = options.attempts ?? READ_ATTEMPTS;
	const retryable = options.retryable ?? isTransient;
	for (let attempt = 1; ; attempt++) {
		const outcome = await caught(read);
		if (outcome.ok || attempt >= attempts) return { ...outcome, attempts: attempt };
		const failure = failureOf(outcome.error);
		const delay = failure && retryable(failure) ? readRetryDelayMs(attempt - 1, failure, options.random) : undefined;
		if (delay === undefined) return { ...outcome, attempts: attempt };
		const paused = await caught(async () => await options.sleep(delay));
		if (!paused.ok) return { ...paused, attempts: attempt };
	}
}
