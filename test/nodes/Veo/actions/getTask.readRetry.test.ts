import { NodeApiError } from 'n8n-workflow';

import type { Fault } from '../../../emulator/types';
import { TOKEN, json, runVeo, useEmulator } from '../fixture';

/**
 * Get Task only reads, and reading is free: a passing failure of a look-up (busy, 5xx, a dropped
 * connection, an answer that is not JSON) is asked again a couple of times with back-off before the
 * node gives up, as the service's docs advise. A lasting failure (401, 400) is never asked again.
 */
describe('Get Task asks again after a passing failure', () => {
	const emulator = useEmulator();

	async function createTask(prompt = 'a fox'): Promise<string> {
		const answer = await fetch(`${emulator().baseUrl}/veo/videos`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'text2video', model: 'veo3', prompt, async: true }),
		});
		return ((await answer.json()) as { task_id: string }).task_id;
	}

	const passing: Array<[string, Omit<Fault, 'path'>]> = [
		['a 503', { kind: 'status', status: 503 }],
		['a 500', { kind: 'status', status: 500 }],
		['a dropped connection', { kind: 'drop-before' }],
		['a 200 answer that is not JSON', { kind: 'raw', body: '<html>maintenance</html>' }],
		['an empty 200 answer', { kind: 'raw', body: '' }],
		['a 429 with Retry-After', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }],
	];

	describe('one task (retrieve)', () => {
		it.each(passing)('recovers from %s', async (_case, fault) => {
			const taskId = await createTask();
			emulator().inject({ path: '/veo/tasks', ...fault });
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });

			expect(result.error).toBeUndefined();
			expect(emulator().queries().map((query) => query.body)).toEqual([
				{ action: 'retrieve', id: taskId },
				{ action: 'retrieve', id: taskId },
			]);
			expect(json(result.items)).toEqual([expect.objectContaining({ taskId, state: expect.stringMatching(/pending|processing|succeeded/) })]);
		});
	});

	describe('several tasks (retrieve_batch)', () => {
		it.each(passing.slice(0, 4))('recovers from %s', async (_case, fault) => {
			const ids = [await createTask('a'), await createTask('b')];
			emulator().inject({ path: '/veo/tasks', ...fault });
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: ids.join(',') });

			expect(result.error).toBeUndefined();
			expect(emulator().queries().map((query) => query.body)).toEqual([
				{ action: 'retrieve_batch', ids },
				{ action: 'retrieve_batch', ids },
			]);
			expect(json(result.items).map((item) => item.taskId)).toEqual(ids);
		});
	});

	it('waits for the Retry-After of a 429 before asking again', async () => {
		const taskId = await createTask();
		emulator().inject({ path: '/veo/tasks', kind: 'status', status: 429, headers: { 'retry-after': '1' } });
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });
		const [first, second] = emulator().queries();
		expect(result.error).toBeUndefined();
		expect(second.at - first.at).toBeGreaterThanOrEqual(950);
	});

	it('gives up after three tries with a clear NodeApiError, never more, never hanging', async () => {
		emulator().inject({
			path: '/veo/tasks',
			kind: 'status',
			status: 503,
			body: { error: { code: 'api_error', message: 'the service is busy' }, trace_id: 'trace-busy' },
			count: 5,
		});
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' });

		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toBe('Ace Data Cloud failed (HTTP 503): the service is busy [item 0]');
		expect((result.error as NodeApiError).description).toBe('HTTP 503 · code: api_error · message: the service is busy · trace id: trace-busy');
		expect(emulator().queries()).toHaveLength(3);
		// Pauses of 0.25-0.5 s, then 0.5-1 s.
		expect(result.durationMs).toBeGreaterThanOrEqual(700);
		expect(result.durationMs).toBeLessThan(3000);
	});

	it('gives up after three dropped connections with a clear message about reaching Ace Data Cloud', async () => {
		emulator().inject({ path: '/veo/tasks', kind: 'drop-before', count: 3 });
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' }, { continueOnFail: true });

		expect(json(result.items)).toEqual([
			{
				error: expect.stringMatching(/^Could not reach Ace Data Cloud: .*\[item 0\]$/),
				details: expect.any(String),
				code: 'ECONNRESET',
				serviceMessage: expect.any(String),
			},
		]);
		expect(emulator().queries()).toHaveLength(3);
	});

	it.each([
		['401', 401, 'invalid_token'],
		['400', 400, 'bad_request'],
		['403', 403, 'forbidden'],
	])('never asks again after a %s', async (_case, status, code) => {
		emulator().inject({ path: '/veo/tasks', kind: 'status', status, body: { error: { code, message: 'no' }, trace_id: 't' } });
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'a, b' });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(emulator().queries()).toHaveLength(1);
	});

	it('stops at once when the execution is cancelled while waiting to ask again', async () => {
		emulator().inject({ path: '/veo/tasks', kind: 'status', status: 429, headers: { 'retry-after': '8' }, count: 3 });
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'a' }, { cancelAfterMs: 300 });
		expect(result.cancelled).toBe(true);
		expect(result.durationMs).toBeLessThan(3000);
		expect(emulator().queries()).toHaveLength(1);
	});

	it('does not wait out a Retry-After too long for a look-up: it fails at once, saying the service is limiting', async () => {
		emulator().inject({ path: '/veo/tasks', kind: 'status', status: 429, headers: { 'retry-after': '120' } });
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'a' });
		expect(result.error?.message).toMatch(/limiting requests/);
		expect(emulator().queries()).toHaveLength(1);
		expect(result.durationMs).toBeLessThan(1000);
	});
});
