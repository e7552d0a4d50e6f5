import type { ApiFailure } from '../../../../nodes/Veo/helpers/apiFailure';
import type { Caught } from '../../../../nodes/Veo/helpers/caught';
import type { RetryPolicy } from '../../../../nodes/Veo/helpers/retry';
import { retryDelayMs, withRetries } from '../../../../nodes/Veo/helpers/retry';
import { fakeClock } from '../fakeClock';

class Failed extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
	}
}

const failed = (failure: ApiFailure): Caught<string> => ({ ok: false, error: new Failed(failure) });
const busy = (retryAfterMs?: number) => failed({ status: 503, code: 'busy', message: 'busy', retryAfterMs });
const denied = failed({ status: 401, code: 'invalid_token', message: 'no' });
const answered: Caught<string> = { ok: true, value: 'ok' };

/** The fake clock, with jitter at its top (the full step). */
const clockAt = () => ({ ...fakeClock(), random: () => 1 });

/** Tries that give these outcomes in turn (the last one again and again), counting themselves. */
function tries(...outcomes: Array<Caught<string>>) {
	let made = 0;
	const once = async () => outcomes[Math.min(made++, outcomes.length - 1)];
	return { once, made: () => made };
}

describe('retryDelayMs: the pause before a retry', () => {
	const policy: RetryPolicy = { firstDelayMs: 500 };

	it('doubles from the first delay, with jitter between half and all of the step', () => {
		expect([0, 1, 2].map((retry) => retryDelayMs(retry, { code: 'busy', message: '' }, policy, () => 1))).toEqual([500, 1000, 2000]);
		expect([0, 1, 2].map((retry) => retryDelayMs(retry, { code: 'busy', message: '' }, policy, () => 0))).toEqual([250, 500, 1000]);
	});

	it('never steps past 30 s', () => {
		expect(retryDelayMs(20, { code: 'busy', message: '' }, policy, () => 1)).toBe(30_000);
	});

	it("takes the service's Retry-After instead, up to the policy's longest", () => {
		const failure = { code: 'busy', message: '', retryAfterMs: 12_000 };
		expect(retryDelayMs(0, failure, policy)).toBe(12_000);
		expect(retryDelayMs(0, failure, { ...policy, maxRetryAfterMs: 12_000 })).toBe(12_000);
		expect(retryDelayMs(0, failure, { ...policy, maxRetryAfterMs: 10_000 })).toBeUndefined();
	});
});

describe('withRetries: one loop for every read that is asked again', () => {
	it('gives the first answer at once', async () => {
		const clock = clockAt();
		expect(await withRetries(tries(answered).once, { firstDelayMs: 500 }, clock)).toEqual({ outcome: answered, attempts: 1 });
		expect(clock.pauses).toEqual([]);
	});

	it('asks again after passing failures, on the schedule, and gives the answer that came', async () => {
		const clock = clockAt();
		const result = await withRetries(tries(busy(), busy(), answered).once, { firstDelayMs: 500 }, clock);
		expect(result).toEqual({ outcome: answered, attempts: 3 });
		expect(clock.pauses).toEqual([500, 1000]);
	});

	it('stops at the cap on tries, with the last failure itself', async () => {
		const clock = clockAt();
		const last = busy();
		const attempt = tries(busy(), last);
		const result = await withRetries(attempt.once, { firstDelayMs: 500, maxTries: 2 }, clock);
		expect(result.outcome).toBe(last);
		expect(result.attempts).toBe(2);
		expect(attempt.made()).toBe(2);
	});

	it('stops before a pause that would end past the cap on time', async () => {
		const clock = clockAt();
		const attempt = tries(busy(20_000));
		const result = await withRetries(attempt.once, { firstDelayMs: 1000, withinMs: 30_000 }, clock);
		expect(result.outcome.ok).toBe(false);
		expect(attempt.made()).toBe(2);
		expect(clock.pauses).toEqual([20_000]);
	});

	it('does not wait out a Retry-After longer than the policy allows', async () => {
		const clock = clockAt();
		const attempt = tries(busy(11_000), answered);
		const result = await withRetries(attempt.once, { firstDelayMs: 500, maxRetryAfterMs: 10_000 }, clock);
		expect(result.attempts).toBe(1);
		expect(clock.pauses).toEqual([]);
	});

	it('never asks again after a lasting failure, or an error that is not a service failure', async () => {
		const clock = clockAt();
		expect(await withRetries(tries(denied).once, { firstDelayMs: 500 }, clock)).toEqual({ outcome: denied, attempts: 1 });
		const bug: Caught<string> = { ok: false, error: new TypeError('bug') };
		expect(await withRetries(tries(bug).once, { firstDelayMs: 500 }, clock)).toEqual({ outcome: bug, attempts: 1 });
		expect(clock.pauses).toEqual([]);
	});

	it('lets the policy say which failures are worth another try', async () => {
		const clock = clockAt();
		const result = await withRetries(tries(denied, answered).once, { firstDelayMs: 500, retryable: () => true }, clock);
		expect(result).toEqual({ outcome: answered, attempts: 2 });
	});

	it("ends at once with the pause's error when the pause is cancelled", async () => {
		const cancelled = new Error('cancelled');
		const attempt = tries(busy(), answered);
		const result = await withRetries(attempt.once, { firstDelayMs: 500 }, { sleep: async () => await Promise.reject(cancelled) });
		expect(result).toEqual({ outcome: { ok: false, error: cancelled }, attempts: 1 });
		expect(attempt.made()).toBe(1);
	});
});
