import type { TaskRecord } from '../../../../nodes/Veo/helpers/taskRecord';
import { waitForTasks } from '../../../../nodes/Veo/helpers/waitForTasks';

/**
 * The waiting schedule alone, on a virtual clock: which calls it makes and when it gives up. The
 * node's real waiting over HTTP is specified in the engine tests.
 */
function world(finishAt: Record<string, number>) {
	let now = 0;
	const calls: string[][] = [];
	const record = (id: string): TaskRecord =>
		now >= finishAt[id]
			? { id, response: { success: true, data: [{ id: `v-${id}`, video_url: `https://x/${id}.mp4`, state: 'succeeded' }] } }
			: { id };
	return {
		calls,
		now: () => now,
		pause: async (ms: number) => {
			now += ms;
		},
		query: async (ids: string[]) => {
			calls.push(ids);
			return ids.filter((id) => id in finishAt).map(record);
		},
	};
}

describe('waitForTasks', () => {
	it('asks for all pending tasks in one call per 50 ids per round, and stops asking for finished ones', async () => {
		const ids = Array.from({ length: 120 }, (_, index) => `t${index}`);
		const finishAt = Object.fromEntries(ids.map((id, index) => [id, index < 60 ? 1000 : 3000]));
		const deps = world(finishAt);
		const outcomes = await waitForTasks(ids.map((taskId) => ({ taskId, deadline: 60_000 })), 1000, deps);

		expect([...outcomes.values()].every((outcome) => outcome.kind === 'finished')).toBe(true);
		// round 1 (t=1000): 120 pending → 3 calls; rounds 2-3: 60 pending → 2 calls each
		expect(deps.calls.map((call) => call.length)).toEqual([50, 50, 20, 50, 10, 50, 10]);
	});

	it('gives up on a task at its deadline, after one last look', async () => {
		const deps = world({ slow: Infinity, quick: 2000 });
		const outcomes = await waitForTasks(
			[
				{ taskId: 'slow', deadline: 3500 },
				{ taskId: 'quick', deadline: 3500 },
			],
			1000,
			deps,
		);
		expect(outcomes.get('quick')?.kind).toBe('finished');
		expect(outcomes.get('slow')).toEqual({ kind: 'timeout', record: { id: 'slow' } });
		expect(deps.now()).toBe(3500);
	});

	it('asks again after a passing failure, and ends the tasks after a lasting one', async () => {
		const deps = world({ a: 1000 });
		let calls = 0;
		const flaky = async (ids: string[]) => {
			calls++;
			if (calls === 1) throw Object.assign(new Error('busy'), { failure: { status: 503, code: 'api_error', message: 'busy' } });
			return await deps.query(ids);
		};
		const outcomes = await waitForTasks([{ taskId: 'a', deadline: 10_000 }], 1000, { ...deps, query: flaky });
		expect(outcomes.get('a')?.kind).toBe('finished');
		expect(calls).toBe(2);

		const revoked = async () => {
			throw Object.assign(new Error('no'), { failure: { status: 401, code: 'invalid_token', message: 'no' } });
		};
		const ended = await waitForTasks([{ taskId: 'a', deadline: 10_000 }], 1000, { ...deps, query: revoked });
		expect(ended.get('a')).toMatchObject({ kind: 'error', failure: { status: 401 } });
	});
});
