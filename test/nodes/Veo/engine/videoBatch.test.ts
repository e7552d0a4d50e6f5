import { idealFinishMs } from '../../../../bench/idealSchedule';
import type { VeoCreateBody } from '../../../../nodes/Veo/helpers/requestBody';
import type { TaskRecord } from '../../../../nodes/Veo/helpers/taskRecord';
import type { BatchDeps, BatchJob } from '../../../../nodes/Veo/engine/videoBatch';
import { runVideoBatch } from '../../../../nodes/Veo/engine/videoBatch';
import { seededRandom } from '../../../emulator/seededRandom';

/**
 * The batch engine alone, against a simulated service on a virtual clock: what it sends and when.
 * The same behaviour over real HTTP inside n8n is specified in the engine tests and measured by
 * `npm run bench`.
 */
interface Limits {
	taskMs: number;
	maxInFlight: number;
	submitsPerSecond: number;
	/** Task durations vary by this share around taskMs (seeded); default 0. */
	spread?: number;
	/** Sent with every 429. */
	retryAfterMs?: number;
	/** The durations of this batch's own tasks in creation order (Infinity: never finishes); then taskMs. */
	durationsMs?: number[];
}

type Fault = 'drop-before' | 'drop-after-create' | 'connection-refused' | 'late-create' | 'list-fails';

function simulatedService(limits: Limits) {
	let now = 0;
	let lastAccept = -Infinity;
	const durationOf = seededRandom(7);
	const tasks = new Map<string, { createdAt: number; doneAt: number; request: VeoCreateBody; foreign?: boolean }>();
	const log: Array<{ at: number; kind: 'create' | '429' | 'query' | 'list' | 'lost'; ids?: number }> = [];
	const fault: { next?: Fault; lateByMs?: number } = {};
	const finished = (id: string) => now >= (tasks.get(id)?.doneAt ?? Infinity);
	const visible = (id: string) => now >= (tasks.get(id)?.createdAt ?? Infinity);
	const record = (id: string): TaskRecord => {
		const task = tasks.get(id)!;
		return {
			id,
			created_at: task.createdAt / 1000,
			request: task.request as never,
			...(finished(id) ? { response: { success: true, data: [{ id: `v${id}`, video_url: `https://x/${id}.mp4`, state: 'succeeded' }] } } : {}),
		};
	};
	const networkError = (code = 'ECONNRESET') => Object.assign(new Error(code), { failure: { code, message: 'socket hang up' } });
	const create = (request: VeoCreateBody, at: number, options: { foreign?: boolean; taskMs?: number } = {}) => {
		const spread = limits.spread ?? 0;
		const ownIndex = [...tasks.values()].filter((task) => !task.foreign).length;
		const taskMs =
			options.taskMs ??
			(!options.foreign ? limits.durationsMs?.[ownIndex] : undefined) ??
			Math.round(limits.taskMs * (1 + spread * (2 * durationOf() - 1)));
		const id = `t${tasks.size}`;
		tasks.set(id, { createdAt: at, doneAt: at + taskMs, request, foreign: options.foreign });
		return id;
	};
	const inFlight = () => [...tasks.keys()].filter((id) => visible(id) && !finished(id)).length;
	const freeSlots = () => Math.max(0, limits.maxInFlight - inFlight());

	/** A runaway loop fails the test at once instead of spinning for ever. */
	const guard = () => {
		if (log.length > 100_000 || now > 7 * 24 * 3_600_000) throw new Error(`runaway: ${log.length} requests by ${now} ms`);
	};
	const deps: BatchDeps = {
		now: () => now,
		random: seededRandom(11),
		sleep: async (ms) => {
			now += ms;
		},
		submit: async (body) => {
			guard();
			const injected = fault.next;
			if (injected === 'drop-before' || injected === 'connection-refused') {
				fault.next = undefined;
				log.push({ at: now, kind: 'lost' });
				throw networkError(injected === 'connection-refused' ? 'ECONNREFUSED' : 'ECONNRESET');
			}
			if (inFlight() >= limits.maxInFlight || now - lastAccept < 1000 / limits.submitsPerSecond) {
				log.push({ at: now, kind: '429' });
				throw Object.assign(new Error('429'), {
					failure: { status: 429, code: 'too_many_requests', message: 'slow down', retryAfterMs: limits.retryAfterMs },
				});
			}
			lastAccept = now;
			if (injected === 'late-create') {
				fault.next = undefined;
				create(body, now + (fault.lateByMs ?? 0));
				log.push({ at: now, kind: 'lost' });
				throw Object.assign(new Error('504'), { failure: { status: 504, code: 'timeout', message: 'gateway timeout' } });
			}
			const id = create(body, now);
			log.push({ at: now, kind: 'create' });
			if (injected === 'drop-after-create') {
				fault.next = undefined;
				throw networkError();
			}
			return { task_id: id };
		},
		query: async (ids) => {
			guard();
			log.push({ at: now, kind: 'query', ids: ids.length });
			return ids.map(record);
		},
		listSince: async (createdAtMin) => {
			log.push({ at: now, kind: 'list' });
			if (fault.next === 'list-fails') throw networkError();
			return [...tasks.keys()].filter((id) => visible(id) && tasks.get(id)!.createdAt / 1000 >= createdAtMin).map(record);
		},
	};
	/** Work of another execution on the same token: `count` tasks holding slots from `at` for `forMs`. */
	const foreign = (count: number, at: number, forMs: number, request: VeoCreateBody = { action: 'text2video', model: 'veo3', prompt: 'elsewhere', async: true }) => {
		for (let index = 0; index < count; index++) create(request, at, { foreign: true, taskMs: forMs });
	};
	const attempts = () => log.filter((entry) => entry.kind === 'create' || entry.kind === '429' || entry.kind === 'lost');
	const own = () => [...tasks.values()].filter((task) => !task.foreign);
	/** From each refused create to the next create attempt. */
	const pausesAfterRefusals = () =>
		attempts().flatMap((entry, index, all) => (entry.kind === '429' && index + 1 < all.length ? [all[index + 1].at - entry.at] : []));
	return { deps, log, tasks, fault, foreign, freeSlots, attempts, own, pausesAfterRefusals, now: () => now };
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

const durations = (service: ReturnType<typeof simulatedService>) => service.own().map((task) => task.doneAt - task.createdAt);

describe('runVideoBatch with task durations that vary (±50 %, seeded)', () => {
	const limits: Limits = { taskMs: 60_000, maxInFlight: 5, submitsPerSecond: 0.5, spread: 0.5 };
	const pollIntervalMs = 5000;

	it.each([5, 20, 50])('finishes %i videos within 1.10 × the ideal schedule + one poll interval', async (count) => {
		const service = simulatedService(limits);
		const outcomes = await runVideoBatch(jobs(count), { pollIntervalMs }, service.deps);
		expect([...outcomes.values()].filter((outcome) => outcome.kind === 'finished')).toHaveLength(count);
		const limit = idealFinishMs(count, durations(service), limits.maxInFlight, limits.submitsPerSecond);
		expect(service.now()).toBeLessThanOrEqual(1.1 * limit + pollIntervalMs);
	});

	it('finishes a long batch (100 videos, Max Wait 900 s each) within 1.10 × the ideal schedule + one poll interval', async () => {
		const service = simulatedService(limits);
		const outcomes = await runVideoBatch(
			jobs(100).map((job) => ({ ...job, maxWaitMs: 900_000 })),
			{ pollIntervalMs },
			service.deps,
		);
		expect([...outcomes.values()].filter((outcome) => outcome.kind === 'finished')).toHaveLength(100);
		const limit = idealFinishMs(100, durations(service), limits.maxInFlight, limits.submitsPerSecond);
		// far longer than one Max Wait: Max Wait bounds each video, not the batch
		expect(limit).toBeGreaterThan(900_000);
		expect(service.now()).toBeLessThanOrEqual(1.1 * limit + pollIntervalMs);
	});
});

describe('runVideoBatch keeps to the Poll Interval when durations vary', () => {
	// 10 tasks of 8 to 30 s, 3 at a time, Poll Interval 5 s: the engine before issue 17 sent 154 query
	// rounds in 71 s, most of them a quarter second apart
	const limits: Limits = { taskMs: 19_000, spread: 11 / 19, maxInFlight: 100, submitsPerSecond: Infinity };
	const pollIntervalMs = 5000;

	it('asks at most once a second, and at most 2 timed looks a video beyond the Poll Interval', async () => {
		const service = simulatedService(limits);
		const outcomes = await runVideoBatch(jobs(10), { pollIntervalMs, maxConcurrent: 3 }, service.deps);
		expect([...outcomes.values()].filter((outcome) => outcome.kind === 'finished')).toHaveLength(10);
		expect(Math.min(...durations(service))).toBeLessThan(10_000);
		expect(Math.max(...durations(service))).toBeGreaterThan(27_000);

		const rounds = [...new Set(service.log.filter((entry) => entry.kind === 'query').map((entry) => entry.at))];
		const gaps = rounds.slice(1).map((at, index) => at - rounds[index]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(1000);
		// each video: one round per Poll Interval of its life (and one at its end), plus its timed looks
		const regular = durations(service).reduce((sum, ms) => sum + Math.ceil(ms / pollIntervalMs) + 1, 0);
		expect(rounds.length).toBeLessThanOrEqual(regular + 2 * 10);
		// and the slots are still used well: within 1.10 × the ideal schedule + one poll interval
		const limit = idealFinishMs(10, durations(service), 3, Infinity);
		expect(service.now()).toBeLessThanOrEqual(1.1 * limit + pollIntervalMs);
	});
});

describe('runVideoBatch: Max Wait bounds each video from the moment the service accepted it', () => {
	it('does not count the time an item spent queued behind the node\'s own in-flight cap', async () => {
		const service = simulatedService({ taskMs: 1500, maxInFlight: 10, submitsPerSecond: Infinity });
		const outcomes = await runVideoBatch(
			jobs(3).map((job) => ({ ...job, maxWaitMs: 2000 })),
			{ pollIntervalMs: 1000, maxConcurrent: 1 },
			service.deps,
		);
		expect([...outcomes.values()].map((outcome) => outcome.kind)).toEqual(['finished', 'finished', 'finished']);
		expect(service.log.filter((entry) => entry.kind === '429')).toHaveLength(0);
		expect(service.now()).toBeGreaterThan(4000);
	});

	it('times out a task still unfinished Max Wait after it was accepted, naming it', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity });
		const outcomes = await runVideoBatch(jobs(2).map((job) => ({ ...job, maxWaitMs: 5000 })), { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'timeout', taskId: 't0' });
		expect(outcomes.get(1)).toMatchObject({ kind: 'timeout', taskId: 't1' });
		expect(service.now()).toBe(5000);
	});

	it('fails an item for refusals only after real 429s refused it for Max Wait in a row, creating nothing', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 5, submitsPerSecond: Infinity });
		service.foreign(5, 0, 3_600_000);
		const outcomes = await runVideoBatch(jobs(2).map((job) => ({ ...job, maxWaitMs: 60_000 })), { pollIntervalMs: 1000 }, service.deps);
		const refusals = service.log.filter((entry) => entry.kind === '429');
		expect(outcomes.get(0)).toMatchObject({ kind: 'timeout', lastRefusal: { status: 429 } });
		expect(outcomes.get(1)).toMatchObject({ kind: 'timeout', lastRefusal: { status: 429 } });
		const refusedFor = (outcomes.get(0) as { refusedForMs: number }).refusedForMs;
		expect(refusedFor).toBeGreaterThanOrEqual(60_000);
		expect(refusals[refusals.length - 1].at - refusals[0].at).toBe(refusedFor);
		expect(service.own()).toHaveLength(0);
	});
});

describe('runVideoBatch: a task that never finishes does not hold the queue for ever', () => {
	const stuckFirst: Limits = { taskMs: 3000, maxInFlight: 10, submitsPerSecond: Infinity, durationsMs: [Infinity] };
	const maxWaitMs = 5000;
	const batch = (count: number, wait = true) => jobs(count, wait).map((job) => ({ ...job, maxWaitMs }));

	it('fails the queued item unsubmitted, naming the task that held the slot, once nothing moved for Max Wait', async () => {
		const service = simulatedService(stuckFirst);
		const outcomes = await runVideoBatch(batch(2), { pollIntervalMs: 1000, maxConcurrent: 1 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'timeout', taskId: 't0' });
		expect(outcomes.get(1)).toEqual({ kind: 'unsubmitted', heldBy: ['t0'], stalledForMs: maxWaitMs });
		expect(service.tasks.size).toBe(1);
		expect(service.now()).toBe(maxWaitMs);
	});

	it('ends the same way without waiting (Don\'t Wait): the submitted tasks are looked at while items are queued', async () => {
		const service = simulatedService(stuckFirst);
		const outcomes = await runVideoBatch(batch(2, false), { pollIntervalMs: 1000, maxConcurrent: 1 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'submitted', taskId: 't0' });
		expect(outcomes.get(1)).toMatchObject({ kind: 'unsubmitted', heldBy: ['t0'] });
		expect(service.tasks.size).toBe(1);
		expect(service.now()).toBe(maxWaitMs);
	});

	it('ends when the slot limit was learned from 429s (no Max Videos set)', async () => {
		const service = simulatedService({ ...stuckFirst, maxInFlight: 1 });
		const outcomes = await runVideoBatch(batch(2), { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'timeout', taskId: 't0' });
		expect(outcomes.get(1)).toMatchObject({ kind: 'unsubmitted', heldBy: ['t0'] });
		expect(service.tasks.size).toBe(1);
		expect(service.now()).toBeLessThanOrEqual(maxWaitMs + 1000);
	});

	it('counts from the last video that finished: a queue that moves is never failed', async () => {
		// the first task holds one slot for ever; the other slot serves four items of 4 s each
		const service = simulatedService({ ...stuckFirst, taskMs: 4000 });
		const outcomes = await runVideoBatch(batch(5), { pollIntervalMs: 1000, maxConcurrent: 2 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'timeout', taskId: 't0' });
		expect([1, 2, 3, 4].map((key) => outcomes.get(key)?.kind)).toEqual(['finished', 'finished', 'finished', 'finished']);
	});

	it('keeps a timed-out task\'s slot taken: never more tasks in the making than Max Videos in Progress', async () => {
		// t0 times out at 5 s and finishes at 7 s; t1 (4 s) kept the queue moving until 4 s
		const service = simulatedService({ ...stuckFirst, durationsMs: [7000, 4000], taskMs: 4000 });
		await runVideoBatch(batch(4), { pollIntervalMs: 1000, maxConcurrent: 2 }, service.deps);
		const createdAt = service.own().map((task) => task.createdAt);
		// the third went in when t1 finished, the fourth only when t0 really finished
		expect(createdAt[2]).toBeGreaterThanOrEqual(4000);
		expect(createdAt[3]).toBeGreaterThanOrEqual(7000);
	});
});

describe('runVideoBatch when the service refuses new videos (429)', () => {
	it('backs off between a floor and a cap while other work holds every slot: one item, 60 s of refusals', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 5, submitsPerSecond: 0.5 });
		service.foreign(5, 0, 60_000);
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished' });
		const attempts = service.attempts().map((entry) => entry.at);
		expect(attempts.length).toBeLessThanOrEqual(30);
		expect(Math.min(...service.pausesAfterRefusals())).toBeGreaterThanOrEqual(2000);
		expect(Math.max(...service.pausesAfterRefusals())).toBeLessThanOrEqual(30_000);
		// it got in within one cap after the slots were free
		expect(attempts[attempts.length - 1]).toBeLessThanOrEqual(60_000 + 30_000);
	});

	it('does not storm once it has learned a submit spacing and others take the freed slots', async () => {
		// two videos of ours teach the pacer the spacing; from then on another execution takes every
		// slot that frees up, until 70 s
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 5, submitsPerSecond: 0.5 });
		service.foreign(3, 0, 70_000);
		const outcomes = await runVideoBatch(jobs(3), { pollIntervalMs: 1000 }, {
			...service.deps,
			submit: async (body, timeoutMs) => {
				if (service.own().length >= 2 && service.now() < 70_000) service.foreign(service.freeSlots(), service.now(), 70_000 - service.now());
				return await service.deps.submit(body, timeoutMs);
			},
		});
		expect([...outcomes.values()].map((outcome) => outcome.kind)).toEqual(['finished', 'finished', 'finished']);
		// the engine before issue 11 sent 198 refused creates in the 31 ms after its own videos finished
		expect(service.log.filter((entry) => entry.kind === '429').length).toBeLessThanOrEqual(30);
		expect(Math.min(...service.pausesAfterRefusals())).toBeGreaterThanOrEqual(2000);
	});

	it('waits at least the Retry-After the service sends, and asks no more often than it', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 5, submitsPerSecond: Infinity, retryAfterMs: 7000 });
		service.foreign(5, 0, 20_000);
		await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.pausesAfterRefusals().length).toBeGreaterThan(0);
		expect(Math.min(...service.pausesAfterRefusals())).toBeGreaterThanOrEqual(7000);
	});

	it('follows a shorter Retry-After: the service says it takes submits that often', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 5, submitsPerSecond: Infinity, retryAfterMs: 250 });
		service.foreign(5, 0, 3000);
		await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		const attempts = service.attempts().map((entry) => entry.at);
		expect(attempts[1] - attempts[0]).toBeGreaterThanOrEqual(250);
		expect(attempts[1] - attempts[0]).toBeLessThan(2000);
	});
});

describe('runVideoBatch when a create has no clear answer (never pays twice)', () => {
	const limits: Limits = { taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity };

	it('gives every create its full time-out, whatever is left of Max Wait: one cut short may still be paid', async () => {
		const service = simulatedService({ ...limits, durationsMs: [1500] });
		const timeouts: number[] = [];
		await runVideoBatch(jobs(2).map((job) => ({ ...job, maxWaitMs: 2000 })), { pollIntervalMs: 1000, maxConcurrent: 1 }, {
			...service.deps,
			submit: async (body, timeoutMs) => {
				timeouts.push(timeoutMs);
				return await service.deps.submit(body, timeoutMs);
			},
		});
		expect(timeouts).toEqual([60_000, 60_000]);
	});

	it('adopts the task the service created before the connection dropped: one task, no second charge', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-after-create';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.tasks.size).toBe(1);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished', taskId: 't0' });
		expect(service.log.filter((entry) => entry.kind === 'list')).toHaveLength(1);
	});

	it('adopts a task the service creates late, after the gateway gave up (504): never a second create', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'late-create';
		service.fault.lateByMs = 8000;
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.tasks.size).toBe(1);
		expect(service.attempts()).toHaveLength(1);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished', taskId: 't0' });
	});

	it('looks for 30 s, then fails the item saying when it may have been created; never sends it again', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-before';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.attempts()).toHaveLength(1);
		expect(service.tasks.size).toBe(0);
		const looks = service.log.filter((entry) => entry.kind === 'list').map((entry) => entry.at);
		expect(looks[looks.length - 1] - looks[0]).toBeGreaterThanOrEqual(30_000);
		expect(looks.length).toBeLessThanOrEqual(8);
		expect(outcomes.get(0)).toMatchObject({ kind: 'failed', mayExist: true, sentAt: 0 });
	});

	it('submits again only when the create provably never left (connection refused)', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'connection-refused';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(service.attempts()).toHaveLength(2);
		expect(service.tasks.size).toBe(1);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished' });
		expect(service.log.filter((entry) => entry.kind === 'list')).toHaveLength(0);
	});

	it('fails the item, saying the task may exist, when it cannot look', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-before';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, {
			...service.deps,
			listSince: async () => {
				throw Object.assign(new Error('busy'), { failure: { status: 503, code: 'api_error', message: 'busy' } });
			},
		});
		expect(outcomes.get(0)).toMatchObject({ kind: 'failed', mayExist: true });
		expect(service.attempts()).toHaveLength(1);
	});

	it('goes on with the other items while it looks', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-before';
		const outcomes = await runVideoBatch(jobs(3), { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(1)).toMatchObject({ kind: 'finished' });
		expect(outcomes.get(2)).toMatchObject({ kind: 'finished' });
		expect(service.own().map((task) => task.createdAt)).toEqual([0, 0]);
	});
});

describe('runVideoBatch adopts only its own task', () => {
	const limits: Limits = { taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity };
	const body = jobs(1)[0].body;

	it('never takes a task with the same request created before this submit (an earlier run)', async () => {
		const service = simulatedService(limits);
		service.foreign(1, -60_000, 120_000, body);
		service.fault.next = 'drop-after-create';
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'finished', taskId: 't1' });
	});

	it('never takes a task another item of this run already owns', async () => {
		const service = simulatedService(limits);
		service.fault.next = 'drop-before';
		const same = jobs(2).map((job) => ({ ...job, body }));
		const outcomes = await runVideoBatch(same, { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(1)).toMatchObject({ kind: 'finished', taskId: 't0' });
		expect(outcomes.get(0)).toMatchObject({ kind: 'failed', mayExist: true });
	});

	it('does not guess when two records could be its own: fails naming every candidate', async () => {
		const service = simulatedService(limits);
		// another execution sends the same request a moment later
		service.fault.next = 'late-create';
		service.fault.lateByMs = 1000;
		service.foreign(1, 1500, 120_000, body);
		const outcomes = await runVideoBatch(jobs(1), { pollIntervalMs: 1000 }, service.deps);
		expect(outcomes.get(0)).toMatchObject({ kind: 'failed', mayExist: true, candidates: ['t0', 't1'] });
	});
});

describe('runVideoBatch stopped by its caller (fail fast)', () => {
	it('reports each outcome the moment it is settled', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity });
		const settled: Array<{ key: number; kind: string; at: number }> = [];
		const outcomes = await runVideoBatch(
			[...jobs(1), { ...jobs(2, false)[1] }],
			{ pollIntervalMs: 1000 },
			{ ...service.deps, onDecided: (key, outcome) => settled.push({ key, kind: outcome.kind, at: service.now() }) },
		);
		// the task nobody waits for is settled on acceptance, the waited-for one when seen finished
		expect(settled).toEqual([
			{ key: 1, kind: 'submitted', at: 0 },
			{ key: 0, kind: 'finished', at: 10_000 },
		]);
		expect(settled.map(({ key }) => outcomes.get(key)?.kind)).toEqual(['submitted', 'finished']);
	});

	it('tells the caller when a task it no longer waits for is seen finished while items are queued (pause mode\'s fail-fast)', async () => {
		const service = simulatedService({ taskMs: 10_000, maxInFlight: 10, submitsPerSecond: Infinity, durationsMs: [3000] });
		const seen: Array<{ key: number; id: unknown; at: number }> = [];
		let stop = false;
		const outcomes = await runVideoBatch(jobs(4, false), { pollIntervalMs: 1000, maxConcurrent: 2 }, {
			...service.deps,
			onDecidedTaskFinished: (key, record) => {
				seen.push({ key, id: record.id, at: service.now() });
				stop = true;
			},
			shouldStop: () => stop,
		});
		expect(seen).toEqual([{ key: 0, id: 't0', at: 3000 }]);
		// the caller stopped there: the slot t0 freed was not used
		expect(service.tasks.size).toBe(2);
		expect(outcomes.has(2)).toBe(false);
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
			onDecided: (_key, outcome) => {
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
