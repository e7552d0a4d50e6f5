import { missedCallbackChecks } from '../../../../nodes/Veo/pause/missedCallbacks';
import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { json, runVeo, useEmulator } from '../fixture';

/**
 * Pause mode when a callback never reaches the paused execution: the last task finished between the
 * node's last look and n8n saving the pause (n8n refused its callback with a 409, and the service does
 * not call again), or the callback was lost on the way. The execution checks by itself, soon after
 * the pause and then every few minutes, instead of waiting all of Max Wait.
 */
describe('a paused execution that missed a callback', () => {
	const emulator = useEmulator();
	const n8n = new WaitingWebhooks();
	const shipped = { ...missedCallbackChecks };
	beforeAll(async () => await n8n.start());
	afterAll(async () => await n8n.stop());
	beforeEach(() => n8n.calls.splice(0));
	afterEach(() => Object.assign(missedCallbackChecks, shipped));

	const parameters = (maxWait = 60) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		waitMode: 'callback',
		downloadVideo: true,
		options: { maxWait, pollInterval: 1 },
	});
	const status = (call: { response: unknown }) => (call.response as { status?: string } | undefined)?.status;

	it('ships with a first check within a minute of the pause and a check every few minutes after', () => {
		expect(shipped.firstMs).toBeLessThanOrEqual(60_000);
		expect(shipped.everyMs).toBeGreaterThanOrEqual(60_000);
		expect(shipped.everyMs).toBeLessThanOrEqual(5 * 60_000);
	});

	it('resumes, video included, when the last task called back before n8n had saved the pause', async () => {
		Object.assign(missedCallbackChecks, { firstMs: 300, everyMs: 60_000 });
		emulator().callBackDuringLook('racing');
		const first = await runVeo(emulator(), parameters(), { items: [{ prompt: 'racing' }], waitingWebhooks: n8n });
		expect(first.status).toBe('waiting');
		// The task's own callback came while the execution was still running: n8n refused it.
		const [callback] = emulator().callbacks;
		expect(callback.status).toBe(409);

		const final = await n8n.finished(first.executionId, 5000);
		const [task] = emulator().listTasks();
		expect(final.status).toBe('success');
		expect(json(final.items)).toEqual([expect.objectContaining({ taskId: task.id, state: 'succeeded' })]);
		expect((await final.readBinary(final.items[0])).equals(emulator().videoBytes(task.id))).toBe(true);
		// The check is a callback the node sends itself: it found the batch done and resumed.
		expect(n8n.calls.map((call) => [call.status, status(call)])).toEqual([
			[409, undefined],
			[200, 'resumed'],
		]);
	});

	it('checks again every few minutes, one look at the batch each, and resumes on a callback lost later', async () => {
		Object.assign(missedCallbackChecks, { firstMs: 200, everyMs: 400 });
		emulator().neverFinish('slow');
		emulator().loseCallbacks();
		const first = await runVeo(emulator(), parameters(), { items: [{ prompt: 'slow' }, { prompt: 'slow too' }], waitingWebhooks: n8n });
		const beforePause = emulator().queries().length;
		await n8n.waitForCalls(2, 3000);
		expect(n8n.calls.map((call) => call.response)).toEqual([
			expect.objectContaining({ status: 'waiting', remaining: 2 }),
			expect.objectContaining({ status: 'waiting', remaining: 2 }),
		]);
		const ids = emulator().listTasks().map((task) => task.id);
		expect(emulator().queries().slice(beforePause).map((query) => query.body)).toEqual([
			{ action: 'retrieve_batch', ids },
			{ action: 'retrieve_batch', ids },
		]);

		for (const id of ids) emulator().finishTask(id);
		await emulator().waitForCallbacks(2);
		expect(emulator().callbacks.every((callback) => callback.error === 'lost')).toBe(true);
		const final = await n8n.finished(first.executionId, 3000);
		expect(json(final.items).map((item) => [item.taskId, item.state])).toEqual(ids.map((id) => [id, 'succeeded']));
		expect(status(n8n.calls.at(-1)!)).toBe('resumed');
	});

	it('stops checking at Max Wait, and once the execution has resumed', async () => {
		Object.assign(missedCallbackChecks, { firstMs: 100, everyMs: 1100 });
		emulator().neverFinish('never');
		const waited = await runVeo(emulator(), parameters(3), { items: [{ prompt: 'never' }], waitingWebhooks: n8n });
		// Max Wait 3 s: checks at about 0.1, 1.2 and 2.3 s after the pause, none after.
		await new Promise((resolve) => setTimeout(resolve, 4000));
		expect(n8n.calls.map(status)).toEqual(['waiting', 'waiting', 'waiting']);
		await n8n.resumeTimedOut(waited.executionId);

		// A batch that resumes on its own callback: no check follows.
		n8n.calls.splice(0);
		Object.assign(missedCallbackChecks, { firstMs: 1500, everyMs: 300 });
		const resumed = await runVeo(emulator(), parameters(), { items: [{ prompt: 'quick' }], waitingWebhooks: n8n });
		await n8n.finished(resumed.executionId);
		const looks = emulator().queries().length;
		await new Promise((resolve) => setTimeout(resolve, 2200));
		expect(n8n.calls.map(status)).toEqual(['resumed']);
		expect(emulator().queries()).toHaveLength(looks);
	});
});
