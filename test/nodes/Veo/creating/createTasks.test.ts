import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { json, QUICK, runVeo, useEmulator } from '../fixture';

/** What every creating operation shares: many items, waiting, failures, cancel, continue-on-fail. */
describe('creating videos', () => {
	const emulator = useEmulator();
	const prompts = (count: number) => Array.from({ length: count }, (_, index) => ({ prompt: `video ${index}` }));
	const textToVideo = { operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 1 } };

	it('submits every item, then waits for all together with one retrieve_batch per 50 tasks a round', async () => {
		const result = await runVeo(emulator(), textToVideo, { items: prompts(60) });

		expect(result.error).toBeUndefined();
		expect(emulator().creates()).toHaveLength(60);
		const queries = emulator().queries();
		expect(queries.every((query) => (query.body as { action: string }).action === 'retrieve_batch')).toBe(true);
		// The first round asks about all 60 tasks in two calls. A later round happens only when the machine
		// was slow enough that some were still running (the next test: it asks only about those).
		const asked = queries.map((query) => (query.body as { ids: string[] }).ids.length);
		expect(asked.slice(0, 2)).toEqual([50, 10]);
		expect(asked.slice(2).every((count) => count <= 50)).toBe(true);
		expect(result.items.map((item) => item.json.state)).toEqual(Array(60).fill('succeeded'));
		// output order is input order, each item paired with its input
		const promptOf = (item: (typeof result.items)[number]) => ((item.json.raw as { request: { prompt: string } }).request.prompt);
		expect(result.items.map(promptOf)).toEqual(prompts(60).map((item) => item.prompt));
		expect(result.items.map((item) => item.pairedItem)).toEqual(prompts(60).map((_, index) => ({ item: index })));
	});

	it('keeps polling while tasks run, and asks only about the unfinished ones', async () => {
		emulator().neverFinish('slow');
		const result = await runVeo(
			emulator(),
			{ ...textToVideo, options: { pollInterval: 1, maxWait: 3 } },
			{ items: [{ prompt: 'quick' }, { prompt: 'slow' }], continueOnFail: true },
		);
		const asked = emulator().queries().map((query) => (query.body as { ids: string[] }).ids.length);
		expect(asked[0]).toBe(2);
		expect(asked.slice(1).every((count) => count === 1)).toBe(true);
		expect(json(result.items)[0]).toMatchObject({ state: 'succeeded' });
		expect(json(result.items)[1]).toMatchObject({ state: 'processing', error: expect.stringMatching(/did not finish within 3 seconds/) });
	});

	it('fails after Max Wait with the task id and the advice to use Get Task instead of submitting again', async () => {
		emulator().neverFinish('slow');
		const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'slow', options: { pollInterval: 1, maxWait: 2 } });
		const taskId = emulator().listTasks()[0].id;
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toContain(taskId);
		expect((result.error as NodeOperationError).description).toMatch(/Get Task/);
		expect(result.durationMs).toBeLessThan(5000);
		expect(emulator().creates()).toHaveLength(1);
	});

	it('when one item fails the run, the error gives every other task its last known state', async () => {
		emulator().failTask('bad');
		emulator().neverFinish('slow');
		const result = await runVeo(
			emulator(),
			{ ...textToVideo, options: { pollInterval: 1, maxWait: 2 } },
			{ items: [{ prompt: 'bad' }, { prompt: 'slow' }, { prompt: 'fine' }] },
		);
		const [bad, slow, fine] = emulator().listTasks().map((task) => task.id);
		const description = (result.error as NodeApiError).description;
		expect(result.error?.message).toMatch(/failed/);
		expect(description).toContain(`${bad} (item 0, failed)`);
		expect(description).toContain(`${slow} (item 1, processing)`);
		expect(description).toContain(`${fine} (item 2, succeeded)`);
	});

	it('fails the item of a failed task with the service error code and message', async () => {
		emulator().failTask('forbidden', { code: 'CONTENT_REJECTED', message: 'The prompt was rejected by moderation' });
		const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'something forbidden', options: { pollInterval: 1 } });
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(/failed: The prompt was rejected by moderation \(CONTENT_REJECTED\)/);
	});

	it('with continue-on-fail, a failed task becomes an error item and the other items go on', async () => {
		emulator().failTask('forbidden');
		const result = await runVeo(
			emulator(),
			textToVideo,
			{ items: [{ prompt: 'fine 1' }, { prompt: 'forbidden' }, { prompt: 'fine 2' }], continueOnFail: true },
		);
		expect(result.items).toHaveLength(3);
		expect(json(result.items)).toEqual([
			expect.objectContaining({ state: 'succeeded' }),
			expect.objectContaining({ state: 'failed', taskId: emulator().listTasks()[1].id, error: expect.stringMatching(/failed/) }),
			expect.objectContaining({ state: 'succeeded' }),
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('refuses a bad item before anything is submitted, naming the field and the item', async () => {
		const result = await runVeo(emulator(), textToVideo, { items: [{ prompt: 'fine' }, { prompt: '   ' }, { prompt: 'fine too' }] });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe("The 'Prompt' field is empty [item 1]");
		expect(emulator().requests).toHaveLength(0);
	});

	it('with continue-on-fail, a bad item becomes an error item and the good ones are submitted', async () => {
		const result = await runVeo(
			emulator(),
			{ ...textToVideo, waitForCompletion: false },
			{ items: [{ prompt: 'fine' }, { prompt: '' }, { prompt: 'fine too' }], continueOnFail: true },
		);
		expect(emulator().creates()).toHaveLength(2);
		expect(json(result.items)).toEqual([
			expect.objectContaining({ state: 'submitted' }),
			{ error: "The 'Prompt' field is empty [item 1]", details: expect.any(String) },
			expect.objectContaining({ state: 'submitted' }),
		]);
	});

	it.each([
		['4k with veo3', { model: 'veo3', options: { resolution: '4k' } }, /4k.*only for Text to Video/],
		['retired veo2', { model: 'veo2' }, /retired/],
		['a Max Wait shorter than the Poll Interval', { options: { pollInterval: 10, maxWait: 5 } }, /Max Wait/],
		['an empty binary field name', { downloadVideo: true, outputBinaryField: ' ' }, /Put Output File in Field/],
	])('refuses %s before any request', async (_case, parameters, message) => {
		const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p', ...parameters });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(message);
		expect(emulator().requests).toHaveLength(0);
	});

	it('stops waiting at once when the execution is cancelled', async () => {
		emulator().neverFinish('slow');
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: 'slow', options: { pollInterval: 30, maxWait: 600 } },
			{ cancelAfterMs: 300 },
		);
		expect(result.cancelled).toBe(true);
		expect(result.durationMs).toBeLessThan(3000);
		expect(emulator().creates()).toHaveLength(1);
	});

	it('turns API errors into NodeApiError with the service code, message and trace id', async () => {
		const badToken = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p' }, { token: 'sk-wrong' });
		expect(badToken.error).toBeInstanceOf(NodeApiError);
		expect(badToken.error?.message).toMatch(/check the Ace Data Cloud credential/);
		expect((badToken.error as NodeApiError).httpCode).toBe('401');
		expect((badToken.error as NodeApiError).description).toMatch(/code: invalid_token .* trace id: [0-9a-f-]{36}/);

		emulator().inject({
			path: '/veo/videos',
			kind: 'status',
			status: 403,
			body: { error: { code: 'used_up', message: 'balance not enough' }, trace_id: 'trace-403' },
		});
		const broke = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p' });
		expect(broke.error?.message).toMatch(/balance is not sufficient: top up/);
		expect((broke.error as NodeApiError).description).toBe('HTTP 403 · code: used_up · message: balance not enough · trace id: trace-403');
	});

	it('when a later submit fails, the error lists the tasks already created so nothing paid is lost', async () => {
		const made = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p', options: { pollInterval: 1 } });
		const videoId = made.items[0].json.videoId as string;
		// Both items pass the node's checks; the service refuses the second (unknown video id).
		const get1080p = { operation: 'get1080p', videoId: '={{ $json.videoId }}', waitForCompletion: false };
		const items = [{ videoId }, { videoId: 'f'.repeat(32) }];

		const result = await runVeo(emulator(), get1080p, { items });
		const createdId = emulator().listTasks()[1].id;
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(/rejected the request: video_id is invalid/);
		expect((result.error as NodeApiError).description).toContain(`${createdId} (item 0, submitted)`);
		expect((result.error as NodeApiError).description).toMatch(/fetch them with the Get Task operation/);

		const kept = await runVeo(emulator(), get1080p, { items, continueOnFail: true });
		expect(json(kept.items)).toEqual([
			expect.objectContaining({ taskId: emulator().listTasks()[2].id, state: 'submitted' }),
			expect.objectContaining({ error: expect.stringMatching(/video_id is invalid/) }),
		]);
	});

	it('backs off and submits again after a 429, which creates nothing: one task per item', async () => {
		emulator().inject({ path: '/veo/videos', kind: 'status', status: 429, headers: { 'retry-after': '1' }, count: 2 });
		const result = await runVeo(emulator(), { ...textToVideo, waitForCompletion: false }, { items: [{ prompt: 'a' }] });
		expect(result.error).toBeUndefined();
		expect(emulator().requestsTo('/veo/videos').map((request) => request.status)).toEqual([429, 429, 200]);
		expect(emulator().creates()).toHaveLength(1);
		expect(result.durationMs).toBeGreaterThanOrEqual(2000);
	});
});

describe("Wait for Video (node version 2) and version 1's switch", () => {
	const emulator = useEmulator();
	const textToVideo = { operation: 'textToVideo', prompt: 'a lighthouse at dusk', options: { pollInterval: 1 } };

	it('waits here by default, polling until the video is done', async () => {
		const result = await runVeo(emulator(), textToVideo);
		expect(result.error).toBeUndefined();
		expect(json(result.items)).toEqual([expect.objectContaining({ state: 'succeeded', videoUrl: expect.any(String) })]);
		expect(emulator().queries().length).toBeGreaterThan(0);
	});

	it("Don't Wait outputs the submitted task at once and never asks about it", async () => {
		const result = await runVeo(emulator(), { ...textToVideo, waitMode: 'none' });
		expect(result.error).toBeUndefined();
		expect(json(result.items)).toEqual([expect.objectContaining({ taskId: emulator().listTasks()[0].id, state: 'submitted' })]);
		expect(emulator().queries()).toEqual([]);
	});

	it("version 1's Wait for Completion off still means don't wait, and version 2 ignores the old switch", async () => {
		const v1 = await runVeo(emulator(), { ...textToVideo, waitForCompletion: false }, { typeVersion: 1 });
		expect(json(v1.items)[0]).toMatchObject({ state: 'submitted' });
		emulator().reset();
		const v2 = await runVeo(emulator(), { ...textToVideo, waitForCompletion: false }, { typeVersion: 2 });
		expect(json(v2.items)[0]).toMatchObject({ state: 'succeeded' });
	});
});

describe("Don't Wait with more items than the service has slots", () => {
	// Two videos in the making at once per token, each taking 2 s.
	const emulator = useEmulator({ ...QUICK, maxInFlight: 2, pendingMs: 500, runningMs: 1500 });

	it('submits every item as the service frees slots (one accepted create each), then outputs them all as submitted, in input order', async () => {
		const items = ['one', 'two', 'three', 'four', 'five'].map((prompt) => ({ prompt }));
		const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: '={{ $json.prompt }}', waitMode: 'none' }, { items });

		expect(result.error).toBeUndefined();
		const tasks = emulator().listTasks();
		expect(emulator().creates()).toHaveLength(5);
		expect(emulator().requestsTo('/veo/videos').filter((request) => request.status === 429).length).toBeGreaterThan(0);
		expect(json(result.items).map((item) => [item.taskId, item.state])).toEqual(tasks.map((task) => [task.id, 'submitted']));
		expect(tasks.map((task) => task.request.prompt)).toEqual(['one', 'two', 'three', 'four', 'five']);
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));
		// A refused create is tried again after its back-off (429s are free); the node ends once the last is in.
		expect(result.durationMs).toBeGreaterThanOrEqual(2000);
	});
});
