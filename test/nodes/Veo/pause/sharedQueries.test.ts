import { POLL_GAP_MS } from '../../../../nodes/Veo/helpers/limits';
import { QUERY_RETRY_MS, SharedQueries, withQueryRetries } from '../../../../nodes/Veo/pause/sharedQueries';
import type { Caught } from '../../../../nodes/Veo/helpers/caught';
import { VeoRequestError } from '../../../../nodes/Veo/transport/veoClient';
import { fakeClock } from '../fakeClock';

describe('SharedQueries: the queries of one paused batch', () => {
	it('lets callbacks that arrive together share one query', async () => {
		const clock = fakeClock();
		const queries = new SharedQueries<number>(clock);
		let fetches = 0;
		const fetch = async () => ++fetches;
		const results = await Promise.all(Array.from({ length: 50 }, async () => await queries.query('exec/t1', fetch)));
		expect(fetches).toBe(1);
		expect(results.every((result) => result.ok && result.value === 1)).toBe(true);
	});

	it('never reuses a query already under way (it may predate the news), and starts the next one a gap later', async () => {
		const clock = fakeClock();
		const queries = new SharedQueries<number>(clock);
		let fetches = 0;
		let release: () => void = () => undefined;
		const slow = async () => {
			fetches++;
			await new Promise<void>((resolve) => (release = resolve));
			return fetches;
		};
		const first = queries.query('b', slow);
		await Promise.resolve();
		const later = [queries.query('b', async () => ++fetches), queries.query('b', async () => ++fetches)];
		release();
		expect(await first).toEqual({ ok: true, value: 1 });
		expect(await Promise.all(later)).toEqual([
			{ ok: true, value: 2 },
			{ ok: true, value: 2 },
		]);
		expect(clock.pauses).toEqual([POLL_GAP_MS]);
	});

	it('keeps batches apart', async () => {
		const queries = new SharedQueries<string>(fakeClock());
		const [a, b] = await Promise.all([queries.query('a', async () => 'a'), queries.query('b', async () => 'b')]);
		expect([a, b]).toEqual([
			{ ok: true, value: 'a' },
			{ ok: true, value: 'b' },
		]);
	});
});

describe('withQueryRetries: a query that fails for a passing reason is asked again, for up to QUERY_RETRY_MS', () => {
	const busy = (retryAfterMs?: number): Caught<string> => ({
		ok: false,
		error: new VeoRequestError({ status: 429, code: 'too_many_requests', message: 'busy', retryAfterMs }),
	});

	it('waits out a Retry-After of 12 s (longer than the read retries take)', async () => {
		const clock = fakeClock();
		const answers = [busy(12_000), { ok: true, value: 'records' } as Caught<string>];
		const result = await withQueryRetries(async () => answers.shift() as Caught<string>, clock);
		expect(result).toEqual({ ok: true, value: 'records' });
		expect(clock.pauses).toEqual([12_000]);
	});

	it('gives up when the next wait would pass QUERY_RETRY_MS', async () => {
		const clock = fakeClock();
		let queries = 0;
		const result = await withQueryRetries(async () => (queries++, busy(20_000)), clock);
		expect(result.ok).toBe(false);
		expect(queries).toBe(2);
		expect(clock.now()).toBeLessThanOrEqual(QUERY_RETRY_MS);
	});

	it('does not ask again after a failure that will not pass (a wrong token)', async () => {
		const clock = fakeClock();
		let queries = 0;
		const denied: Caught<string> = { ok: false, error: new VeoRequestError({ status: 401, code: 'invalid_token', message: 'no' }) };
		expect(await withQueryRetries(async () => (queries++, denied), clock)).toBe(denied);
		expect(queries).toBe(1);
	});
});
