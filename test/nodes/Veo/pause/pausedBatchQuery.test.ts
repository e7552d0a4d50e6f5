import { CATCH_UP_MS } from '../../../../nodes/Veo/pause/pausedBatchQuery';
import { missedCallbackChecks } from '../../../../nodes/Veo/pause/missedCallbacks';
import { POLL_GAP_MS } from '../../../../nodes/Veo/helpers/limits';
import { VeoEmulator } from '../../../emulator/VeoEmulator';
import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { json, QUICK, runVeo, useEmulator } from '../fixture';

/**
 * Pause mode, as an attacker who knows the resume address (on n8n 1.x: the execution id and the node
 * id) would probe it: the service's records decide every result, a callback only makes the node look,
 * many callbacks share few looks, and the last callback's look does not give up at the first 429.
 */
describe('a callback only makes the node look at the batch', () => {
	const emulator = useEmulator();
	const n8n = new WaitingWebhooks();
	// A host of the attacker's choosing: nothing may ever be fetched from it.
	const attacker = new VeoEmulator(QUICK);
	beforeAll(async () => await Promise.all([n8n.start(), attacker.start()]));
	afterAll(async () => await Promise.all([n8n.stop(), attacker.stop()]));
	beforeEach(() => {
		n8n.calls.splice(0);
		attacker.reset();
	});

	const pauseFor = (downloadVideo = true) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		waitMode: 'callback',
		downloadVideo,
		options: { maxWait: 120 },
	});

	const post = async (url: string, body: unknown) => {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
	};
	const resumeAddress = () => (emulator().creates()[0].body as { callback_url: string }).callback_url;

	describe('a forged callback decides nothing', () => {
		it('"succeeded" for a running task, with a video at another host: the execution keeps waiting and nothing is fetched (real time)', async () => {
			emulator().neverFinish('still running');
			const first = await runVeo(emulator(), pauseFor(), { items: [{ prompt: 'still running' }], waitingWebhooks: n8n });
			const taskId = emulator().listTasks()[0].id;
			const forged = { success: true, task_id: taskId, data: [{ id: 'v', video_url: `${attacker.baseUrl}/files/${taskId}.mp4`, state: 'succeeded' }] };

			const started = Date.now();
			const answer = await post(resumeAddress(), forged);
			// It looked a few times (the record might only be lagging) before it said "waiting".
			expect(answer).toEqual({ status: 200, body: { status: 'waiting', task_id: taskId, remaining: 1 } });
			expect(Date.now() - started).toBeGreaterThanOrEqual(CATCH_UP_MS - 2500);
			expect(n8n.status(first.executionId)).toBe('waiting');
			expect(attacker.requests).toEqual([]);

			// The real result comes later and makes the output, with the service's video.
			emulator().finishTask(taskId);
			const final = await n8n.finished(first.executionId);
			expect(json(final.items)).toEqual([expect.objectContaining({ taskId, state: 'succeeded', videoUrl: emulator().videoUrl(taskId) })]);
			expect((await final.readBinary(final.items[0])).equals(emulator().videoBytes(taskId))).toBe(true);
			expect(attacker.requests).toEqual([]);
		}, 30_000);

		it('"failed" for a task that then succeeds: the item is not failed (no paid resubmit is invited)', async () => {
			emulator().neverFinish('will succeed');
			const first = await runVeo(emulator(), pauseFor(false), { items: [{ prompt: 'will succeed' }], waitingWebhooks: n8n });
			const taskId = emulator().listTasks()[0].id;

			const answer = await post(resumeAddress(), { success: false, task_id: taskId, error: { code: 'CONTENT_REJECTED', message: 'forged' } });
			expect(answer).toEqual({ status: 200, body: { status: 'waiting', task_id: taskId, remaining: 1 } });
			expect(n8n.status(first.executionId)).toBe('waiting');

			emulator().finishTask(taskId);
			const final = await n8n.finished(first.executionId);
			expect(final.status).toBe('success');
			expect(json(final.items)).toEqual([expect.objectContaining({ taskId, state: 'succeeded' })]);
		}, 30_000);
	});

	it('a callback a little ahead of the record is looked at again until the record catches up', async () => {
		emulator().loseCallbacks();
		emulator().neverFinish('lagging');
		const first = await runVeo(emulator(), pauseFor(false), { items: [{ prompt: 'lagging' }], waitingWebhooks: n8n });
		const taskId = emulator().listTasks()[0].id;

		const answer = post(resumeAddress(), { success: true, task_id: taskId, data: [] });
		await new Promise((resolve) => setTimeout(resolve, 3000));
		emulator().finishTask(taskId);
		expect(await answer).toEqual({ status: 200, body: { status: 'resumed', task_id: taskId } });
		const final = await n8n.finished(first.executionId);
		// The output is the service's record, not the callback's body.
		expect(final.items[0].json).toMatchObject({ taskId, state: 'succeeded', raw: { request: { prompt: 'lagging' } } });
	}, 30_000);

	it('many callbacks share few looks: at most about one a second per batch, none for unknown tasks', async () => {
		emulator().neverFinish('second');
		const first = await runVeo(emulator(), pauseFor(false), { items: [{ prompt: 'first' }, { prompt: 'second' }], waitingWebhooks: n8n });
		const [done] = await emulator().waitForCallbacks(1);
		const before = emulator().queries().length;

		const started = Date.now();
		const answers = await Promise.all(Array.from({ length: 300 }, async () => await post(done.url, done.body)));
		const seconds = (Date.now() - started) / 1000;
		expect(answers.every((answer) => answer.status === 200)).toBe(true);
		const looks = emulator().queries().length - before;
		expect(looks).toBeGreaterThanOrEqual(1);
		expect(looks).toBeLessThanOrEqual(Math.ceil((seconds * 1000) / POLL_GAP_MS) + 1);

		const strangers = await Promise.all(Array.from({ length: 100 }, async () => await post(done.url, { task_id: 'not-ours', success: true })));
		expect(strangers.every((answer) => answer.status === 404)).toBe(true);
		expect(emulator().queries().length - before).toBe(looks);
		await n8n.resumeTimedOut(first.executionId);
	}, 30_000);

	it("the last callback's look waits out a 429 with a long Retry-After, and the batch resumes (real time)", async () => {
		// The node's own check for missed callbacks (10 s after the pause) would resume it first.
		const shipped = { ...missedCallbackChecks };
		missedCallbackChecks.firstMs = 60_000;
		emulator().loseCallbacks();
		const first = await runVeo(emulator(), pauseFor(false), { items: [{ prompt: 'first' }, { prompt: 'second' }], waitingWebhooks: n8n });
		const held = await emulator().waitForCallbacks(2);
		// Beyond the read retries' 10 s: before, the callback gave up with a 503 and nothing else came.
		emulator().inject({ path: '/veo/tasks', kind: 'status', status: 429, headers: { 'retry-after': '12' } });

		const started = Date.now();
		const answer = await post(held[1].url, held[1].body);
		expect(answer).toEqual({ status: 200, body: { status: 'resumed', task_id: held[1].taskId } });
		expect(Date.now() - started).toBeGreaterThanOrEqual(11_000);
		const final = await n8n.finished(first.executionId);
		expect(json(final.items).map((item) => item.state)).toEqual(['succeeded', 'succeeded']);
		Object.assign(missedCallbackChecks, shipped);
	}, 40_000);
});
