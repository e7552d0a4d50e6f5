import { DOWNSTREAM_NAME } from '../../../helpers/runNode';
import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { expectNoSecret, json, runVeo, useEmulator } from '../fixture';

/** Pause mode, from the callbacks on: which ones count, when the execution resumes, and with what. */
describe("resuming on Ace Data Cloud's callbacks", () => {
	const emulator = useEmulator();
	const n8n = new WaitingWebhooks();
	beforeAll(async () => await n8n.start());
	afterAll(async () => await n8n.stop());
	beforeEach(() => n8n.calls.splice(0));

	const parameters = (waitMode: string) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		waitMode,
		downloadVideo: true,
		options: { maxWait: 60, pollInterval: 1 },
	});
	const items = [{ prompt: 'first' }, { prompt: 'second' }];

	/** POSTs a callback body to an address, as Ace Data Cloud would. */
	const post = async (url: string, body: unknown) => {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		return { status: response.status, body: (await response.json().catch(() => undefined)) as unknown };
	};

	it('resumes once every task has reported, with the output poll mode gives, videos included', async () => {
		const polled = await runVeo(emulator(), parameters('poll'), { items });
		emulator().reset();

		const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n });
		expect(first.status).toBe('waiting');
		const final = await n8n.finished(first.executionId);

		expect(final.status).toBe('success');
		expectNoSecret(final);
		const tasks = emulator().listTasks();
		expect(json(final.items).map((item) => item.taskId)).toEqual(tasks.map((task) => task.id));
		// Item for item the same fields and values as poll mode, but for the task's own ids and times.
		const shape = (item: (typeof final.items)[number]) => ({
			keys: Object.keys(item.json).sort(),
			state: item.json.state,
			error: item.json.error,
			binary: { fileName: typeof item.binary?.data.fileName, mimeType: item.binary?.data.mimeType },
			pairedItem: item.pairedItem,
		});
		expect(final.items.map(shape)).toEqual(polled.items.map(shape));
		for (const item of final.items) {
			const bytes = await final.readBinary(item);
			expect(bytes.equals(emulator().videoBytes(item.json.taskId as string))).toBe(true);
		}
		// The first callback found the other task unfinished, or both shared the look that found the
		// batch done: either way exactly one of them resumed.
		await n8n.waitForCalls(2);
		expect(n8n.calls.map((call) => call.status)).toEqual([200, 200]);
		expect(n8n.calls.filter((call) => (call.response as { status?: string }).status === 'resumed')).toHaveLength(1);
	});

	it('asks Ace Data Cloud about the batch once per callback, and only then', async () => {
		emulator().neverFinish('second');
		const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n });
		const beforePause = emulator().queries().length;
		await n8n.waitForCalls(1);
		expect(n8n.calls[0]).toMatchObject({ status: 200, response: { status: 'waiting', remaining: 1 } });
		const answered = emulator().queries().slice(beforePause);
		expect(answered.map((query) => query.body)).toEqual([{ action: 'retrieve_batch', ids: emulator().listTasks().map((task) => task.id) }]);
		await n8n.resumeTimedOut(first.executionId);
	});

	it('answers 404 to a callback about a task this execution did not create, and changes nothing', async () => {
		const first = await runVeo(emulator(), { ...parameters('callback'), downloadVideo: false }, { items: [{ prompt: 'slow' }], waitingWebhooks: n8n });
		emulator().neverFinish('slow');
		const url = (emulator().creates()[0].body as { callback_url: string }).callback_url;
		const strangers = await post(url, { success: true, task_id: 'not-ours', data: [{ id: 'v', video_url: 'https://evil.example/v.mp4', state: 'succeeded' }] });
		expect(strangers).toEqual({ status: 404, body: { error: 'This execution did not create that task', task_id: 'not-ours' } });
		expect(await post(url, { success: true })).toEqual({ status: 400, body: { error: 'The callback names no task_id' } });
		expect(n8n.status(first.executionId)).toBe('waiting');
		expect(emulator().queries()).toHaveLength(1); // the look before the pause, none for the strangers
		await n8n.resumeTimedOut(first.executionId);
	});

	it('takes a duplicate callback as the same news, and n8n refuses it once the execution has resumed', async () => {
		emulator().neverFinish('second');
		const first = await runVeo(emulator(), { ...parameters('callback'), downloadVideo: false }, { items, waitingWebhooks: n8n });
		const [callback] = await emulator().waitForCallbacks(1);
		const again = await post(callback.url, callback.body);
		expect(again).toEqual({ status: 200, body: { status: 'waiting', task_id: callback.taskId, remaining: 1 } });
		expect(n8n.status(first.executionId)).toBe('waiting');

		// The other task finally reports: the execution resumes, and a late repeat is turned away.
		emulator().finishTask(emulator().listTasks()[1].id);
		const final = await n8n.finished(first.executionId);
		expect(n8n.calls.at(-1)).toMatchObject({ status: 200, response: { status: 'resumed' } });
		expect(json(final.items).map((item) => item.state)).toEqual(['succeeded', 'succeeded']);
		expect((await post(callback.url, callback.body)).status).toBe(409);
	});

	it('lets only one of two callbacks that both find the batch complete resume the execution', async () => {
		// Both tasks finish, their callbacks are held up, then arrive at the same moment.
		emulator().loseCallbacks();
		const first = await runVeo(emulator(), { ...parameters('callback'), downloadVideo: false }, { items, waitingWebhooks: n8n });
		const held = await emulator().waitForCallbacks(2);
		const answers = await Promise.all(held.map(async (callback) => await post(callback.url, callback.body)));
		// n8n 2.x would refuse the second resume itself, n8n 1.x would run it: the node answers it first.
		expect(answers.map((answer) => answer.body)).toEqual(
			expect.arrayContaining([
				{ status: 'resumed', task_id: expect.any(String) },
				{ status: 'resuming', task_id: expect.any(String) },
			]),
		);
		const final = await n8n.finished(first.executionId);
		expect(final.status).toBe('success');
		expect(json(final.items).map((item) => item.state)).toEqual(['succeeded', 'succeeded']);
	});

	it('resumes an execution again each time it pauses again (the node in a loop: Loop Over Items → Veo → back)', async () => {
		const executionId = `loop-${Date.now()}`;
		const prompts = ['first batch', 'second batch', 'third batch'];
		for (const [run, prompt] of prompts.entries()) {
			const paused = await runVeo(emulator(), { ...parameters('callback'), downloadVideo: false }, { items: [{ prompt }], waitingWebhooks: n8n, executionId });
			expect(paused.status).toBe('waiting');
			const final = await n8n.finished(executionId);
			const task = emulator().listTasks()[run];
			expect(task.request.prompt).toBe(prompt);
			// One callback per pause, and each one resumes: not 'resuming' as if the first pause's claim still held.
			const calls = await n8n.waitForCalls(run + 1);
			expect(calls[run].response).toEqual({ status: 'resumed', task_id: task.id });
			expect(final.status).toBe('success');
			expect(json(final.items).map((item) => item.taskId)).toEqual([task.id]);
		}
	});

	it('resumes on a late callback even when the earlier ones were lost', async () => {
		emulator().loseCallbacks();
		const first = await runVeo(emulator(), { ...parameters('callback'), downloadVideo: false }, { items, waitingWebhooks: n8n });
		const held = await emulator().waitForCallbacks(2);
		expect(n8n.status(first.executionId)).toBe('waiting');
		// Only the second task's callback arrives: the service's records say the first is done too.
		expect(await post(held[1].url, held[1].body)).toMatchObject({ status: 200, body: { status: 'resumed' } });
		const final = await n8n.finished(first.executionId);
		expect(json(final.items).map((item) => item.taskId)).toEqual(emulator().listTasks().map((task) => task.id));
	});

	describe('a task that failed', () => {
		/**
		 * n8n offers a node resumed by a callback no way to fail the execution (a throwing webhook() makes
		 * n8n run the rest of the workflow with an empty item): the node resumes it with no output instead.
		 */
		it('ends the run at once with no output, so no node after it runs, and says why in the callback answer', async () => {
			emulator().failTask('second', { code: 'CONTENT_REJECTED', message: 'The prompt was rejected' });
			emulator().neverFinish('first');
			const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n, withDownstream: true });
			const final = await n8n.finished(first.executionId);
			const [running, bad] = emulator().listTasks();
			expect(final.items).toEqual([]);
			expect(final.runData[DOWNSTREAM_NAME]).toBeUndefined();
			// The failed task's callback ended the pause, without waiting for the task still running.
			const call = n8n.calls.find((c) => (c.body as { task_id?: string }).task_id === bad.id);
			expect(call?.status).toBe(200);
			expect(call?.response).toEqual({
				status: 'failed',
				task_id: bad.id,
				error: `Veo task ${bad.id} failed: The prompt was rejected (CONTENT_REJECTED) [item 1]`,
				details: expect.stringContaining(`- ${running.id} (item 0, processing)`),
			});
			expect((call?.response as { details: string }).details).toContain(`- ${bad.id} (item 1, failed)`);
			expect(emulator().downloads()).toHaveLength(0);
			expectNoSecret(final);
		});

		it('ends the same way when a video cannot be downloaded at resume: no output, nothing after it runs, the reason in the answer', async () => {
			emulator().inject({ path: 'download', kind: 'status', status: 404, count: 10 });
			const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n, withDownstream: true });
			const final = await n8n.finished(first.executionId);
			const tasks = emulator().listTasks();
			// Not the empty placeholder item n8n resumes with when webhook() throws.
			expect(final.items).toEqual([]);
			expect(final.runData[DOWNSTREAM_NAME]).toBeUndefined();
			const resumed = n8n.calls.find((c) => (c.response as { status?: string } | undefined)?.status !== 'waiting');
			expect(resumed?.status).toBe(200);
			expect(resumed?.response).toEqual({
				status: 'failed',
				task_id: expect.any(String),
				error: `The video of task ${tasks[0].id} could not be downloaded: the video address answered "not found" (HTTP 404) [item 0]`,
				details: expect.stringContaining(`Run Get Task with Download Video on for task ${tasks[0].id}`),
			});
			// Every paid task is named, with its state.
			for (const task of tasks) expect((resumed?.response as { details: string }).details).toContain(`- ${task.id} (item ${tasks.indexOf(task)}, succeeded)`);
			expectNoSecret(final);
		});

		it("reads On Error as n8n does: the legacy continueOnFail flag beside On Error 'stopWorkflow' stops", async () => {
			emulator().failTask('second', { code: 'CONTENT_REJECTED', message: 'The prompt was rejected' });
			const first = await runVeo(emulator(), parameters('callback'), {
				items,
				waitingWebhooks: n8n,
				onError: 'stopWorkflow',
				legacyContinueOnFail: true,
				withDownstream: true,
			});
			const final = await n8n.finished(first.executionId);
			expect(final.items).toEqual([]);
			expect(final.runData[DOWNSTREAM_NAME]).toBeUndefined();
		});

		it('with On Error: Continue, becomes an error item and the others keep their videos', async () => {
			emulator().failTask('second', { code: 'CONTENT_REJECTED', message: 'The prompt was rejected' });
			const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n, continueOnFail: true });
			const final = await n8n.finished(first.executionId);
			expect(final.status).toBe('success');
			expect(json(final.items)).toEqual([
				expect.objectContaining({ state: 'succeeded' }),
				expect.objectContaining({ error: expect.stringContaining('CONTENT_REJECTED'), taskId: emulator().listTasks()[1].id, state: 'failed' }),
			]);
			expect(final.items[0].binary?.data).toBeDefined();
			expect(final.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});
	});

	it('after some callbacks, Max Wait passing outputs each task id with what to do next', async () => {
		emulator().neverFinish('second');
		const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n });
		await n8n.waitForCalls(1);
		await n8n.resumeTimedOut(first.executionId);
		const final = await n8n.finished(first.executionId);
		expect(final.status).toBe('success');
		expect(json(final.items)).toEqual(
			emulator()
				.listTasks()
				.map((task) => expect.objectContaining({ taskId: task.id, waitingFor: 'callback', message: expect.stringContaining('Get Task') })),
		);
	});

	it("works the same with n8n 1.x's resume address (no signature, the node id in the path)", async () => {
		const n8n1 = new WaitingWebhooks({ n8nVersion: 1 });
		await n8n1.start();
		try {
			const first = await runVeo(emulator(), parameters('callback'), { items, waitingWebhooks: n8n1 });
			const url = (emulator().creates()[0].body as { callback_url: string }).callback_url;
			expect(url).toMatch(new RegExp(`/webhook-waiting/${first.executionId}/[\\w-]+$`));
			const final = await n8n1.finished(first.executionId);
			expect(json(final.items).map((item) => item.state)).toEqual(['succeeded', 'succeeded']);
		} finally {
			await n8n1.stop();
		}
	});
});
