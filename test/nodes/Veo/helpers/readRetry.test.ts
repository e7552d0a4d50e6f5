import type { ApiFailure } from '../../../../nodes/Veo/helpers/apiFailure';
import { failureOf } from '../../../../nodes/Veo/helpers/apiFailure';
import {
	READ_ATTEMPTS,
	READ_POLICY,
	READ_RETRY_MAX_MS,
	withReadRetries,
} from '../../../../nodes/Veo/helpers/readRetry';
import { retryDelayMs } from '../../../../nodes/Veo/helpers/retry';

class Failed extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
	}
}

const busy = new Failed({ status: 503, code: 'busy', message: 'busy' });
const denied = new Failed({ status: 401, code: 'invalid_token', message: 'no' });

/** A read that fails with the given errors first, then answers 'ok'; it counts its calls. */
function flaky(...errors: Error[]) {
	const read = jest.fn(async () => {
		const error = errors.shift();
		if (error) throw error;
		return 'ok';
	});
	return read;
}

describe('the read policy: the pause before asking again', () => {
	it('is exponential from half a second, with jitter between half and all of it', () => {
		const failure = busy.failure;
		expect([0, 1, 2].map((attempt) => retryDelayMs(attempt, failure, READ_POLICY, () => 1))).toEqual([500, 1000, 2000]);
		expect([0, 1, 2].map((attempt) => retryDelayMs(attempt, failure, READ_POLICY, () => 0))).toEqual([250, 500, 1000]);
	});

	it('honours a Retry-After, unless it is too long to wait for a look-up', () => {
		expect(retryDelayMs(0, { ...busy.failure, retryAfterMs: 1500 }, READ_POLICY)).toBe(1500);
		expect(retryDelayMs(0, { ...busy.failure, retryAfterMs: READ_RETRY_MAX_MS + 1 }, READ_POLICY)).toBeUndefined();
	});
});

describe('withReadRetries', () => {
	const pauses: number[] = [];
	const options = { sleep: async (ms: number) => void pauses.push(ms), random: () => 1 };
	beforeEach(() => (pauses.length = 0));

	it('answers at once when the read works', async () => {
		const read = flaky();
		expect(await withReadRetries(read, options)).toEqual({ ok: true, value: 'ok', attempts: 1 });
		expect(pauses).toEqual([]);
	});

	it('asks again after one passing failure', async () => {
		const read = flaky(busy);
		expect(await withReadRetries(read, options)).toEqual({ ok: true, value: 'ok', attempts: 2 });
		expect(pauses).toEqual([500]);
	});

	it(`gives up after ${READ_ATTEMPTS} tries, with the last failure`, async () => {
		const read = flaky(busy, busy, busy, busy);
		expect(await withReadRetries(read, options)).toEqual({ ok: false, error: busy, attempts: READ_ATTEMPTS });
		expect(read).toHaveBeenCalledTimes(READ_ATTEMPTS);
		expect(pauses).toEqual([500, 1000]);
	});

	it('never asks again after a lasting failure, or an error that is not the service', async () => {
		expect(await withReadRetries(flaky(denied), options)).toEqual({ ok: false, error: denied, attempts: 1 });
		const bug = new TypeError('bug');
		expect(await withReadRetries(flaky(bug), options)).toEqual({ ok: false, error: bug, attempts: 1 });
		expect(pauses).toEqual([]);
	});

	it('lets the caller say what is worth another try', async () => {
		const read = flaky(denied);
		expect(await withReadRetries(read, { ...options, retryable: () => true })).toMatchObject({ ok: true, attempts: 2 });
	});

	it('stops at once when the pause is cancelled', async () => {
		const cancelled = new Error('cancelled');
		const read = flaky(busy, busy);
		const outcome = await withReadRetries(read, { sleep: async () => await Promise.reject(cancelled) });
		expect(outcome).toEqual({ ok: false, error: cancelled, attempts: 1 });
		expect(read).toHaveBeenCalledTimes(1);
	});
});

describe('failureOf', () => {
	it('finds the failure a transport error carries, and nothing in other errors', () => {
		expect(failureOf(busy)).toBe(busy.failure);
		expect(failureOf(new Error('x'))).toBeUndefined();
		expect(failureOf(undefined)).toBeUndefined();
	});
});
