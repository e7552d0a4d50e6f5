import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { json, runVeo, useEmulator } from '../fixture';

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
		it('backs off after a 429 without Retry-After and submits again: exactly one task', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'status', status: 429, count: 3 });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			expect(emulator().requestsTo('/veo/videos').map((request) => request.status)).toEqual([429, 429, 429, 200]);
			expect(emulator().creates()).toHaveLength(1);
			expect(json(result.items)[0]).toMatchObject({ state: 'succeeded' });
		});

		it('gives up after Max Wait of 429s with the service code, message and trace id, having created nothing', async () => {
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
			expect(result.error?.message).toMatch(/kept refusing new videos \(too many requests\) for 2 seconds \[item 0\]/);
			expect((result.error as NodeApiError).description).toMatch(
				/Nothing was created or charged.*HTTP 429 · code: too_many_requests · message: concurrency limit reached · trace id: trace-429/,
			);
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

		it('submits once more when the connection dropped before anything was created: one task', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'drop-before' });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(2);
			expect(emulator().listTasks()).toHaveLength(1);
			// it looked twice before daring to submit again
			expect(emulator().queries().filter((query) => 'created_at_min' in (query.body as object))).toHaveLength(2);
		});

		it.each([500, 504])('treats a %i on submit the same way: looks, then submits once more', async (status) => {
			emulator().inject({ path: '/veo/videos', kind: 'status', status });
			const result = await runVeo(emulator(), make());
			expect(result.error).toBeUndefined();
			expect(emulator().listTasks()).toHaveLength(1);
		});

		it('fails the item, saying the task may exist, when it cannot find out, and never submits twice', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'drop-before' });
			emulator().inject({ path: '/veo/tasks', kind: 'status', status: 503, count: 2 });
			const result = await runVeo(emulator(), make(), { continueOnFail: true });
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
			expect(json(result.items)[0].error).toMatch(/may or may not have reached Ace Data Cloud/);
		});

		it('does not take another item with the same prompt for its own', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'drop-before' });
			const result = await runVeo(emulator(), { ...make(), prompt: '={{ $json.p }}' }, { items: [{ p: 'same' }, { p: 'same' }] });
			expect(result.error).toBeUndefined();
			const ids = result.items.map((item) => item.json.taskId);
			expect(new Set(ids).size).toBe(2);
			expect(emulator().listTasks()).toHaveLength(2);
		});
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
