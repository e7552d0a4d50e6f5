import { LOOK_GAP_MS, LOOK_RETRY_MS, SharedQueries, withLookRetries } from '../../../../nodes/Veo/pause/sharedQueries';
import type { Caught } from '../../../../nodes/Veo/helpers/caught';
import { VeoRequestError } from '../../../../nodes/Veo/transport/veoClient';
import { fakeClock } from '../fakeClock';

describe('SharedQueries: the looks at one paused batch', () => {
	it('lets callbacks that arrive together share one look', async () => {
		const clock = fakeClock();
		const looks = new SharedQueries<number>(clock);
		let fetches = 0;
		const fetch = async () => ++fetches;
		const results = await Promise.all(Array.from({ length: 50 }, async () => await looks.look('exec/t1', fetch)));
		expect(fetches).toBe(1);
		expect(results.every((result) => result.ok && result.value === 1)).toBe(true);
	});

	it('never reuses a look already under way (it may predate the news), and starts the next one a gap later', async () => {
		const clock = fakeClock();
		const looks = new SharedQueries<number>(clock);
		let fetches = 0;
		let release: () => void = () => undefined;
		const slow = async () => {
			fetches++;
			await new Promise<void>((resolve) => (release = resolve));
			return fetches;
		};
		const first = looks.look('b', slow);
		await Promise.resolve();
		const later = [looks.look('b', async () => ++fetches), looks.look('b', async () => ++fetches)];
		release();
		expect(await first).toEqual({ ok: true, value: 1 });
		expect(await Promise.all(later)).toEqual([
			{ ok: true, value: 2 },
			{ ok: true, value: 2 },
		]);
		expect(clock.pauses).toEqual([LOOK_GAP_MS]);
	});

	it('keeps batches apart', async () => {
		const looks = new SharedQueries<string>(fakeClock());
		const [a, b] = await Promise.all([looks.look('a', async () => 'a'), looks.look('b', async () => 'b')]);
		expect([a, b]).toEqual([
			{ ok: true, value: 'a' },
			{ ok: true, value: 'b' },
		]);
	});
});

describe('withLookRetries: a look that fails for a passing reason is asked again, for up to LOOK_RETRY_MS', () => {
	const busy = (retryAfterMs?: number): Caught<string> => ({
		ok: false,
		error: new VeoRequestError({ status: 429, code: 'too_many_requests', message: 'busy', retryAfterMs }),
	});

	it('waits out a Retry-After of 12 s (longer than the read retries take)', async () => {
		const clock = fakeClock();
		const answers = [busy(12_000), { ok: true, value: 'records' } as Caught<string>];
		const result = await withLookRetries(async () => answers.shift() as Caught<string>, clock);
		expect(result).toEqual({ ok: true, value: 'records' });
		expect(clock.pauses).toEqual([12_000]);
	});

	it('gives up when the next wait would pass LOOK_RETRY_MS', async () => {
		const clock = fakeClock();
		let looks = 0;
		const result = await withLookRetries(async () => (looks++, busy(20_000)), clock);
		expect(result.ok).toBe(false);
		expect(looks).toBe(2);
		expect(clock.now()).toBeLessThanOrEqual(LOOK_RETRY_MS);
	});

	it('does not ask again after a failure that will not pass (a wrong token)', async () => {
		const clock = fakeClock();
		let looks = 0;
		const denied: Caught<string> = { ok: false, error: new VeoRequestError({ status: 401, code: 'invalid_token', message: 'no' }) };
		expect(await withLookRetries(async () => (looks++, denied), clock)).toBe(denied);
		expect(looks).toBe(1);
	});
});
