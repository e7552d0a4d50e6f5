import { idealFinishMs } from '../../../../bench/idealSchedule';
import type { VeoCreateBody } from '../../../../nodes/Veo/helpers/requestBody';
import type { TaskRecord } from '../../../../nodes/Veo/helpers/taskRecord';
import type { BatchDeps, BatchJob } from '../../../../nodes/Veo/helpers/videoBatch';
import { runVideoBatch, sameRequest } from '../../../../nodes/Veo/helpers/videoBatch';

/**
 * The batch engine alone, against a simulated service on a virtual clock: what it sends and when.
 * The same behaviour over real HTTP inside n8n is specified in the engine tests and measured by
 * `npm run bench`.
 */
interface Limits {
	taskMs: number;
	maxInFlight: number;
	submitsPerSecond: number;
}

function simulatedService(limits: Limits) {
	let now = 0;
	let lastAccept = -Infinity;
	const tasks = new Map<string, { createdAt: number; request: VeoCreateBody }>();
	const log: Array<{ at: number; kind: 'create' | '429' | 'query' | 'list'; ids?: number }> = [];
	const fault: { next?: 'drop-before' | 'drop-after-create' | 'list-fails' } = {};
	const finished = (id: string) => now >= (tasks.get(id)?.createdAt ?? Infinity) + limits.taskMs;
	const record = (id: string): TaskRecord => {
		const task = tasks.get(id)!;
		return {
			id,
			created_at: task.createdAt / 1000,
			request: task.request as never,
			...(finished(id) ? { response: { success: true, data: [{ id: `v${id}`, video_url: `https://x/${id}.mp4`, state: 'succeeded' }] } } : {}),
		};
	};
	const networkError = () => Object.assign(new Error('socket hang up'), { failure: { code: 'ECONNRESET', message: 'socket hang up' } });

	const deps: BatchDeps = {
		now: () => now,
		pause: async (ms) => {
			now += ms;
		},
		submit: async (body) => {
			if (fault.next === 'drop-before') {
				fault.next = undefined;
				throw networkError();
			}
			const inFlight = [...tasks.keys()].filter((id) => !finished(id)).length;
			if (inFlight >= limits.maxInFlight || now - lastAccept < 1000 / limits.submitsPerSecond) {
				log.push({ at: now, kind: '429' });
				throw Object.assign(new Error('429'), { failure: { status: 429, code: 'too_many_requests', message: 'slow down' } });
			}
			lastAccept = now;
			const id = `t${tasks.size}`;
			tasks.set(id, { createdAt: now, request: body });
			log.push({ at: now, kind: 'create' });
			if (fault.next === 'drop-after-create') {
				fault.next = undefined;
				throw networkError();
			}
			return { task_id: id };
		},
		query: async (ids) => {
			log.push({ at: now, kind: 'query', ids: ids.length });
			return ids.map(record);
		},
		listSince: async (createdAtMin) => {
			log.push({ at: now, kind: 'list' });
			if (fault.next === 'list-fails') throw networkError();
			return [...tasks.keys()].filter((id) => tasks.get(id)!.createdAt / 1000 >= createdAtMin).map(record);
		},
	};
	return { deps, log, tasks, fault, now: () => now };
}

const jobs = (count: number, wait = true): BatchJob[] =>
	Array.from({ length: count }, (_, key) => ({
		key,
		body: { action: 'text2video', model: 'veo31-fast', prompt: `video ${key}`, async: true },
		wait,
		maxWaitMs: 3_600_000,
	}));

describe('runVideoBatch under the service limits', () => {
	const limits: Limits = { taskMs: 60_000, maxInFlight: 5, submitsPerSecond: 0.5 };
	const pollIntervalMs = 5000;

	it.each([1, 5, 20, 50])('finishes %i videos within 1.10 × the ideal schedule + one poll interval', async (count) => {
		const service = simulatedService(limits);
		const outcomes = await runVideoBatch(jobs(count), { pollIntervalMs }, service.deps);

		expect([...outcomes.values()].every((outcome) => outcome.kind === 'finished')).toBe(true);
		expect(service.tasks.size).toBe(count);
		const limit = idealFinishMs(count, limits.taskMs, limits.maxInFlight, limits.submitsPerSecond);
		expect(service.now()).toBeLessThanOrEqual(1.1 * limit + pollIntervalMs);
	});

	it('asks at most ceil(pending / 50) task queries per poll round', async () => {
		const service = simulatedService({ taskMs: 60_000, maxInFlight: 200, submitsPerSecond: Infinity });
		await runVideoBatch(jobs(120), { pollIntervalMs }, service.deps);
		const rounds = new Map<number, number[]>();
		for (const entry of service.log.filter((entry) => entry.kind === 'query')) {
			rounds.set(entry.at, [...(rounds.get(entry.at) ?? []), entry.ids as number]);
		}
		for (const sizes of rounds.values()) {
			const pending = sizes.reduce((sum, size) => sum + size, 0);
			expect(sizes.length).toBeLessThanOrEqual(Math.ceil(pending / 50));
		}
		expect([...rounds.values()][0]).toEqual([50, 50, 20]);
	});

	it('respects the user cap on videos in progress', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 100, submitsPerSecond: Infinity });
		await runVideoBatch(jobs(6), { pollIntervalMs: 1000, maxConcurrent: 2 }, service.deps);
		const creates = service.log.filter((entry) => entry.kind === 'create').map((entry) => entry.at);
		expect(creates.slice(0, 2)).toEqual([0, 0]);
		expect(creates[2]).toBeGreaterThanOrEqual(10_000);
		expect(service.log.some((entry) => entry.kind === '429')).toBe(false);
	});

	it('without waiting, submits everything (waiting only for free slots) and reports the submitted tasks', async () => {
		const service = simulatedService(limits);
		const outcomes = await runVideoBatch(jobs(7, false), { pollIntervalMs }, service.deps);
		expect([...outcomes.values()].map((outcome) => outcome.kind)).toEqual(Array(7).fill('submitted'));
		expect(service.tasks.size).toBe(7);
		// the 6th submit needed a free slot: the first task had to finish
		expect(service.now()).toBeGreaterThanOrEqual(limits.taskMs);
		expect(service.now()).toBeLessThan(limits.taskMs + 2 * pollIntervalMs + 4000);
	});
});

describe('runVideoBatch when a submit answer is lost', () => {
	const limits: Limits = { taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity };

	it('adopts the task the service created before the connection dropped: one task, no second charge', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-after-create';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.tasks.size).toBe(1);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished', taskId: 't0' });
	});

	it('submits again, once, when it is sure nothing was created', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-before';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.log.filter((entry) => entry.kind === 'list')).toHaveLength(2);
		expect(service.tasks.size).toBe(1);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished' });
	});

	it('fails the item, saying the task may exist, when it cannot find out', async () => {
		const service = simulatedService(limits);
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, {
			...service.deps,
			submit: async () => {
				throw Object.assign(new Error('reset'), { failure: { code: 'ECONNRESET', message: 'socket hang up' } });
			},
			listSince: async () => {
				throw Object.assign(new Error('busy'), { failure: { status: 503, code: 'api_error', message: 'busy' } });
			},
		});
		expect(outcomes.get(0)).toMatchObject({ kind: 'failed', mayExist: true });
		expect(service.tasks.size).toBe(0);
	});

	it('does not adopt a task another item of the batch already owns', () => {
		const body: VeoCreateBody = { action: 'text2video', model: 'veo3', prompt: 'same', async: true };
		expect(sameRequest({ ...body, extra: 1 } as never, body)).toBe(true);
		expect(sameRequest({ ...body, prompt: 'other' } as never, body)).toBe(false);
		expect(sameRequest(undefined, body)).toBe(false);
	});
});

describe('runVideoBatch stopped by its caller (fail fast)', () => {
	it('reports each outcome the moment it is settled', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity });
		const settled: Array<{ key: number; kind: string; at: number }> = [];
		const outcomes = await runVideoBatch(
			[...jobs(1), { ...jobs(2, false)[1] }],
			{ pollIntervalMs: 1000 },
			{ ...service.deps, onSettled: (key, outcome) => settled.push({ key, kind: outcome.kind, at: service.now() }) },
		);
		// the task nobody waits for is settled on acceptance, the waited-for one when seen finished
		expect(settled).toEqual([
			{ key: 1, kind: 'submitted', at: 0 },
			{ key: 0, kind: 'finished', at: 10_000 },
		]);
		expect(settled.map(({ key }) => outcomes.get(key)?.kind)).toEqual(['submitted', 'finished']);
	});

	it('submits nothing more once told to stop, and returns without waiting for running tasks', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 2, submitsPerSecond: Infinity });
		const outcomes = await runVideoBatch(jobs(4), { pollIntervalMs: 1000 }, {
			...service.deps,
			shouldStop: () => service.now() >= 3000,
		});
		expect(service.tasks.size).toBe(2);
		expect(service.now()).toBe(3000);
		expect(outcomes.get(0)).toMatchObject({ kind: 'abandoned', taskId: 't0', record: { id: 't0' } });
		expect(outcomes.get(1)).toMatchObject({ kind: 'abandoned', taskId: 't1', record: { id: 't1' } });
		// never submitted: no outcome, so the caller knows nothing was created for them
		expect(outcomes.has(2)).toBe(false);
		expect(outcomes.has(3)).toBe(false);
	});

	it('stops before the next submit when a settled failure makes the caller stop', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity });
		let stop = false;
		let creates = 0;
		const outcomes = await runVideoBatch(jobs(3), { pollIntervalMs: 1000 }, {
			...service.deps,
			submit: async (body, timeoutMs) => {
				if (body.prompt === 'video 1') {
					throw Object.assign(new Error('400'), { failure: { status: 400, code: 'bad_request', message: 'no' } });
				}
				creates++;
				return await service.deps.submit(body, timeoutMs);
			},
			onSettled: (_key, outcome) => {
				stop = outcome.kind === 'failed';
			},
			shouldStop: () => stop,
		});
		expect(creates).toBe(1);
		expect(outcomes.get(0)).toMatchObject({ kind: 'abandoned', taskId: 't0' });
		expect(outcomes.get(1)).toMatchObject({ kind: 'failed', failure: { status: 400 } });
		expect(outcomes.has(2)).toBe(false);
		expect(service.now()).toBe(0);
	});
});
