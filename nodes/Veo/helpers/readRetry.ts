import type { ApiFailure } from './apiFailure';
import { isTransient } from './apiFailure';
import type { Caught } from './caught';
import { caught } from './caught';
import type { RetryPolicy } from './retry';
import { withRetries } from './retry';

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

/** How reads are asked again (the loop and its delays are retry.ts's). */
export const READ_POLICY: RetryPolicy = { firstDelayMs: READ_RETRY_FIRST_MS, maxTries: READ_ATTEMPTS, maxRetryAfterMs: READ_RETRY_MAX_MS };

/**
 * Runs a read, asking again after passing failures (retry.ts). Reports how the last try ended, plus
 * how many tries were made; a cancelled pause ends it at once with the pause's error.
 */
export async function withReadRetries<T>(
	read: () => Promise<T>,
	options: RetryOptions,
): Promise<Caught<T> & { attempts: number }> {
	const { outcome, attempts } = await withRetries(
		async () => await caught(read),
		{ ...READ_POLICY, maxTries: options.attempts ?? READ_ATTEMPTS, retryable: options.retryable ?? isTransient },
		{ sleep: options.sleep, random: options.random },
	);
	return { ...outcome, attempts };
}
