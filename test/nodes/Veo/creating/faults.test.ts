import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { json, QUICK, runVeo, TOKEN, useEmulator } from '../fixture';

/**
 * Faults of the network and the service, and what the node does about them; every case asserts what
 * the emulator saw, because every accepted create is a paid video.
 */
describe('faults while creating videos', () => {
	const emulator = useEmulator();
	const make = (options: Record<string, unknown> = {}) => ({
		operation: 'textToVideo',
		prompt: 'a heron lands on a pier',
		options: { pollInterval: 1, maxWait: 20, ...options },
	});

	describe('on submit', () => {
		it('backs off after a 429, at least the Retry-After the service sends, and submits again: exactly one task', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'status', status: 429, count: 3, headers: { 'retry-after': '0.3' } });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			const creates = emulator().requestsTo('/veo/videos');
			expect(creates.map((request) => request.status)).toEqual([429, 429, 429, 200]);
			const pauses = creates.slice(1).map((request, index) => request.at - creates[index].at);
			expect(Math.min(...pauses)).toBeGreaterThanOrEqual(300);
			expect(emulator().creates()).toHaveLength(1);
			expect(json(result.items)[0]).toMatchObject({ state: 'succeeded' });
		});

		it('without a Retry-After, asks again no sooner than the service\'s submit spacing (2 s)', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'status', status: 429 });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			const [refused, accepted] = emulator().requestsTo('/veo/videos');
			expect(accepted.at - refused.at).toBeGreaterThanOrEqual(2000);
			expect(accepted.at - refused.at).toBeLessThanOrEqual(4100);
		});

		it('gives up after Max Wait of 429s in a row with the service code, message and trace id, having created nothing', async () => {
			emulator().inject({
				path: '/veo/videos',
				kind: 'status',
				status: 429,
				count: 100,
				body: { error: { code: 'too_many_requests', message: 'concurrency limit reached' }, trace_id: 'trace-429' },
			});
			const result = await runVeo(emulator(), make({ maxWait: 2 }));
			expect(emulator().creates()).toHaveLength(0);
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(/kept refusing new videos \(429 too many requests\) for 2 seconds in a row \[item 0\]/);
			expect((result.error as NodeApiError).description).toMatch(
				/Nothing was created or charged.*HTTP 429 · code: too_many_requests · message: concurrency limit reached · trace id: trace-429/,
			);
			// the first refusal, then one more at the end of Max Wait: the refusals really lasted 2 s
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(2);
			expect(result.durationMs).toBeLessThan(4000);
		});

		it('adopts the task when the service created it and then dropped the connection: one task, no second charge', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'drop-after-create' });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			expect(emulator().listTasks()).toHaveLength(1);
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
			expect(json(result.items)[0]).toMatchObject({ taskId: emulator().listTasks()[0].id, state: 'succeeded' });
			const lookups = emulator().queries().filter((query) => 'created_at_min' in (query.body as object));
			expect(lookups).toHaveLength(1);
		});

		it('adopts a task created seconds after the gateway answered 504: one paid task, never a second create', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'late-create', status: 504, delayMs: 4000 });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
			expect(emulator().listTasks()).toHaveLength(1);
			expect(json(result.items)[0]).toMatchObject({ taskId: emulator().listTasks()[0].id, state: 'succeeded' });
		});

		it("never adopts an earlier run's task with the same prompt", async () => {
			const earlier = await fetch(`${emulator().baseUrl}/veo/videos`, {
				method: 'POST',
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'text2video', model: 'veo31-fast', prompt: 'a heron lands on a pier', async: true }),
			});
			const earlierId = ((await earlier.json()) as { task_id: string }).task_id;
			// a few seconds later (within 2 s, clocks could not tell the two apart: the node would name both and adopt neither)
			await new Promise((resolve) => setTimeout(resolve, 2500));
			emulator().inject({ path: '/veo/videos', kind: 'drop-after-create' });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			const own = emulator().listTasks()[1].id;
			expect(json(result.items)[0]).toMatchObject({ taskId: own, state: 'succeeded' });
			expect(own).not.toBe(earlierId);
		});

		it(
			'never sends a create again after a lost answer: looks for 30 s, then fails naming the time it may have been created (real time)',
			async () => {
				// item 0: the connection drops after sending; item 1: a 500; item 2 has item 0's prompt and goes through
				emulator().inject({ path: '/veo/videos', kind: 'drop-before' });
				emulator().inject({ path: '/veo/videos', kind: 'status', status: 500 });
				emulator().inject({ path: '/veo/tasks', kind: 'status', status: 503, count: 2 });
				const result = await runVeo(emulator(), { ...make({ maxWait: 60 }), prompt: '={{ $json.p }}' }, {
					items: [{ p: 'same' }, { p: 'other' }, { p: 'same' }],
					continueOnFail: true,
				});
				expect(emulator().requestsTo('/veo/videos')).toHaveLength(3);
				expect(emulator().listTasks()).toHaveLength(1);
				const [first, second, third] = json(result.items);
				const sentAt = emulator().requestsTo('/veo/videos')[0].at;
				expect(first.error).toMatch(/^The video may have been created at (.+): check with Get Task before submitting again/);
				expect(Date.parse(/created at (\S+):/.exec(String(first.error))![1])).toBeGreaterThanOrEqual(sentAt - 1000);
				expect(second.error).toMatch(/may have been created at .*: check with Get Task before submitting again/);
				// item 0 did not take item 2's task (same prompt, created after item 0's create) for its own
				expect(third).toMatchObject({ taskId: emulator().listTasks()[0].id, state: 'succeeded' });
				const looks = emulator().queries().filter((query) => 'created_at_min' in (query.body as object));
				expect(looks[looks.length - 1].at - looks[0].at).toBeGreaterThanOrEqual(30_000);
				expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			},
			90_000,
		);
	});

	describe('when downloading', () => {
		it('fails only the item whose download broke, keeping its task id, while the batch goes on', async () => {
			emulator().inject({ path: 'download', kind: 'status', status: 500, count: 10 });
			const result = await runVeo(
				emulator(),
				{ ...make(), prompt: '={{ $json.p }}', downloadVideo: '={{ $json.p === "first" }}' },
				{ items: [{ p: 'first' }, { p: 'second' }], continueOnFail: true },
			);
			expect(emulator().creates()).toHaveLength(2);
			const [first, second] = json(result.items);
			expect(first).toMatchObject({ taskId: emulator().listTasks()[0].id, error: expect.stringMatching(/could not be downloaded/) });
			expect(second).toMatchObject({ taskId: emulator().listTasks()[1].id, state: 'succeeded' });
			expect(result.items[1].pairedItem).toEqual({ item: 1 });
		});

		it('without continue-on-fail, stops with the download error and lists the paid tasks', async () => {
			emulator().inject({ path: 'download', kind: 'status', status: 404, count: 10 });
			const result = await runVeo(emulator(), { ...make(), downloadVideo: true });
			expect(result.error?.message).toMatch(/could not be downloaded/);
			expect((result.error as NodeOperationError).description).toContain(emulator().listTasks()[0].id);
		});
	});

	describe('while waiting', () => {
		it.each([
			['500', { kind: 'status', status: 500 }],
			['502', { kind: 'status', status: 502 }],
			['503', { kind: 'status', status: 503 }],
			['504', { kind: 'status', status: 504 }],
			['a dropped connection', { kind: 'drop-before' }],
			['an answer that is not JSON', { kind: 'raw', body: '<html>gateway</html>' }],
			['an empty answer', { kind: 'raw', body: '' }],
		] as const)('asks again after %s on a task query, and the wait goes on', async (_case, fault) => {
			emulator().inject({ path: '/veo/tasks', count: 2, ...fault } as never);
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			expect(json(result.items)[0]).toMatchObject({ state: 'succeeded' });
			expect(emulator().queries().length).toBeGreaterThanOrEqual(3);
			expect(emulator().creates()).toHaveLength(1);
		});

		it('gives up at Max Wait on a task that never finishes, naming it', async () => {
			emulator().neverFinish('heron');
			const result = await runVeo(emulator(), make({ maxWait: 3 }));
			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toContain(emulator().listTasks()[0].id);
			expect(result.durationMs).toBeLessThan(6000);
		});

		it('is not held past Max Wait by a stuck connection', async () => {
			emulator().inject({ path: '/veo/tasks', kind: 'delay', delayMs: 30_000, count: 5 });
			const result = await runVeo(emulator(), make({ maxWait: 3 }));
			expect(result.error?.message).toMatch(/did not finish within 3 seconds/);
			// Max Wait, plus at most the one-second floor any single request is given
			expect(result.durationMs).toBeLessThan(5000);
		});

		it('fails the item of a task reported succeeded without a video URL', async () => {
			emulator().inject({
				path: '/veo/tasks',
				kind: 'raw',
				count: 10,
				body: '', // replaced below per request
			});
			emulator().reset();
			const submitted = await runVeo(emulator(), { ...make(), waitForCompletion: false });
			const taskId = submitted.items[0].json.taskId as string;
			emulator().inject({
				path: '/veo/tasks',
				kind: 'raw',
				count: 1,
				body: JSON.stringify({ items: [{ id: taskId, response: { success: true, data: [{ id: 'v', state: 'succeeded' }] } }], count: 1 }),
			});
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: `${taskId}, other` }, { continueOnFail: true });
			expect(json(result.items)[0]).toMatchObject({ state: 'failed', error: { code: 'missing_video_url' } });
		});

		it('reports a task whose state it does not know as still processing, never as done', async () => {
			const submitted = await runVeo(emulator(), { ...make(), waitForCompletion: false });
			const taskId = submitted.items[0].json.taskId as string;
			emulator().inject({
				path: '/veo/tasks',
				kind: 'raw',
				body: JSON.stringify({ id: taskId, response: { success: true, data: [{ id: 'v', state: 'mystery' }] } }),
			});
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });
			expect(json(result.items)[0]).toMatchObject({ taskId, state: 'processing' });
		});

		it('fails the waiting items at once when the token stops working, with the service error', async () => {
			const result = await runVeo(emulator(), make(), { continueOnFail: true });
			expect(result.error).toBeUndefined();
			emulator().inject({ path: '/veo/tasks', kind: 'status', status: 401, count: 5, body: { error: { code: 'token_expired', message: 'expired' }, trace_id: 't-401' } });
			const failed = await runVeo(emulator(), make());
			expect(failed.error).toBeInstanceOf(NodeApiError);
			expect(failed.error?.message).toMatch(/check the Ace Data Cloud credential/);
			expect((failed.error as NodeApiError).description).toMatch(/Tasks already created/);
		});
	});
});

describe('sharing the token with work the node cannot see', () => {
	// Ace Data Cloud's limit of 5 videos in the making; each video takes 3 s here.
	const emulator = useEmulator({ ...QUICK, maxInFlight: 5, pendingMs: 1000, runningMs: 2000 });
	const make = (options: Record<string, unknown> = {}) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.p }}',
		options: { pollInterval: 1, maxWait: 60, ...options },
	});
	/** Another execution (or tool) on the same token takes slots, straight at the service. */
	const createElsewhere = async (count: number) => {
		for (let index = 0; index < count; index++) {
			await fetch(`${emulator().baseUrl}/veo/videos`, {
				method: 'POST',
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'text2video', model: 'veo31-fast', prompt: `elsewhere ${index}`, async: true }),
			});
		}
	};

	it('waits with spaced tries while others hold every slot, and gets in once they finish', async () => {
		await createElsewhere(5);
		const result = await runVeo(emulator(), make(), { items: [{ p: 'mine' }] });
		expect(result.error).toBeUndefined();
		expect(json(result.items)[0]).toMatchObject({ state: 'succeeded' });
		const tries = emulator().requestsTo('/veo/videos').filter((request) => (request.body as { prompt: string }).prompt === 'mine');
		// held for 3 s: tries at 0, 2 to 4 s (then 4 to 8 s later at most), never faster than one per 2 s
		expect(tries.length).toBeLessThanOrEqual(3);
		const pauses = tries.slice(1).map((request, index) => request.at - tries[index].at);
		expect(Math.min(...pauses)).toBeGreaterThanOrEqual(2000);
	});

	it('counts Max Wait per video from its acceptance: items queued behind Max Videos in Progress do not fail', async () => {
		const result = await runVeo(emulator(), make({ maxWait: 4, maxConcurrent: 1 }), { items: [{ p: 'a' }, { p: 'b' }, { p: 'c' }] });
		expect(result.error).toBeUndefined();
		expect(json(result.items).map((item) => item.state)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(emulator().requestsTo('/veo/videos').filter((request) => request.status === 429)).toHaveLength(0);
		expect(result.durationMs).toBeGreaterThan(9000);
	});
});
