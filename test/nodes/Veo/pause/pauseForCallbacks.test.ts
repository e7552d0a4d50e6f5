import { NodeOperationError } from 'n8n-workflow';

import { AceDataCloudApi } from '../../../../credentials/AceDataCloudApi.credentials';
import { Veo } from '../../../../nodes/Veo/Veo.node';
import { runNode } from '../../../helpers/runNode';
import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { expectNoSecret, json, runVeo, TOKEN, useEmulator } from '../fixture';

/** Pause mode, up to the pause: what is submitted, what n8n keeps, and what is refused. */
describe('pausing until Ace Data Cloud calls back', () => {
	const emulator = useEmulator();
	const n8n = new WaitingWebhooks();
	beforeAll(async () => await n8n.start());
	afterAll(async () => await n8n.stop());

	const pauseMode = { operation: 'textToVideo', prompt: '={{ $json.prompt }}', waitMode: 'callback', options: { maxWait: 60 } };
	const items = [{ prompt: 'first' }, { prompt: 'second' }];

	it("submits every task with this execution's resume address for this node, then pauses until Max Wait", async () => {
		const started = Date.now();
		const first = await runVeo(emulator(), pauseMode, { items, waitingWebhooks: n8n });

		expect(first.status).toBe('waiting');
		expect(first.waitTill?.getTime()).toBeGreaterThanOrEqual(started + 60_000);
		expect(first.waitTill?.getTime()).toBeLessThan(Date.now() + 60_000 + 1000);
		const callbackUrls = emulator().creates().map((create) => (create.body as { callback_url: string }).callback_url);
		expect(callbackUrls).toHaveLength(2);
		// n8n 2.x: the node id follows the resume token, where n8n reads it back as the webhook path
		expect(callbackUrls).toEqual(Array(2).fill(expect.stringMatching(new RegExp(`^${escape(first.resumeUrl)}/[\\w-]+$`))));
		await n8n.finished(first.executionId);
	});

	it('ignores a Callback URL left from another wait mode (the editor hides it in pause mode): the service calls this execution back', async () => {
		const first = await runVeo(emulator(), { ...pauseMode, options: { ...pauseMode.options, callbackUrl: 'https://example.com/hook' } }, { items, waitingWebhooks: n8n });

		expect(first.status).toBe('waiting');
		const callbackUrls = emulator().creates().map((create) => (create.body as { callback_url: string }).callback_url);
		expect(callbackUrls).toEqual(Array(2).fill(expect.stringMatching(new RegExp(`^${escape(first.resumeUrl)}/[\\w-]+$`))));
		await n8n.finished(first.executionId);
	});

	it('keeps, as the waiting input, one ledger item per input item with its task', async () => {
		emulator().neverFinish('second');
		const first = await runVeo(emulator(), pauseMode, { items, waitingWebhooks: n8n });
		const [one, two] = emulator().listTasks();
		// What n8n outputs if Max Wait passes: the ledger, which says what to do with each task.
		await n8n.resumeTimedOut(first.executionId);
		const timedOut = await n8n.finished(first.executionId);
		expect(timedOut.status).toBe('success');
		expect(json(timedOut.items)).toEqual([
			expect.objectContaining({ taskId: one.id, state: 'submitted', waitingFor: 'callback', message: expect.stringContaining('Get Task (task ID') }),
			expect.objectContaining({ taskId: two.id, state: 'submitted', waitingFor: 'callback' }),
		]);
		expect(timedOut.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expectNoSecret(timedOut);
	});

	it('asks about the tasks once before pausing, and not at all while paused', async () => {
		emulator().neverFinish('second');
		const first = await runVeo(emulator(), pauseMode, { items, waitingWebhooks: n8n });
		expect(first.status).toBe('waiting');
		// Only this batch's looks count: an earlier test's callback may still be looking at its own.
		const ids = JSON.stringify(emulator().listTasks().map((task) => task.id));
		const queries = () => emulator().queries().filter((query) => JSON.stringify((query.body as { ids?: string[] }).ids) === ids);
		const asked = queries().length;
		expect(asked).toBe(1);
		// The first task calls back after 0.5 s; nothing else happens for 2 s more.
		await n8n.waitForCalls(1);
		await new Promise((resolve) => setTimeout(resolve, 2000));
		expect(queries()).toHaveLength(asked + 1);
		expect(queries()[asked].at).toBeGreaterThanOrEqual(emulator().callbacks[0].at);
		await n8n.resumeTimedOut(first.executionId);
	});

	it('does not pause when every task is already done by the time the last one is submitted', async () => {
		// A slot frees only when a task finishes: the second submit waits for the first task, and the
		// callbacks of tasks that finish meanwhile reach a running execution, which n8n turns away.
		const result = await runVeo(
			emulator(),
			{ ...pauseMode, options: { maxWait: 60, maxConcurrent: 1, pollInterval: 1 } },
			{ items: [{ prompt: 'one' }], waitingWebhooks: n8n },
		);
		expect(result.status).toBe('waiting');
		await n8n.finished(result.executionId);
		emulator().reset();

		const slow = new WaitingWebhooks();
		await slow.start();
		try {
			const quick = await runVeo(emulator(), { ...pauseMode, options: { maxWait: 60, maxConcurrent: 1, pollInterval: 1 } }, {
				items: [{ prompt: 'one' }, { prompt: 'two' }],
				waitingWebhooks: slow,
			});
			// The first task finished (and called back in vain) while the second waited for its slot.
			expect(emulator().callbacks[0]).toMatchObject({ status: 409 });
			expect(quick.status).toBe('waiting');
			const final = await slow.finished(quick.executionId);
			expect(json(final.items).map((item) => item.state)).toEqual(['succeeded', 'succeeded']);
		} finally {
			await slow.stop();
		}
	});

	it('refuses a resume address on this machine when the credential points at the real service, before any request', async () => {
		const result = await runVeo(emulator(), pauseMode, { items, waitingWebhooks: n8n, baseUrl: 'https://api.acedata.cloud' });
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/^Ace Data Cloud cannot call back to http:\/\/127\.0\.0\.1:\d+: that address only works on this machine$/);
		expect((result.error as NodeOperationError).description).toMatch(/WEBHOOK_URL/);
		expect(result.status).toBe('error');
		expect(emulator().requests).toEqual([]);
	});

	it('refuses to pause when an AI agent runs the node as a tool, before any request', async () => {
		// n8n names the tool form of a node after it with 'Tool' appended.
		class VeoTool extends Veo {
			description = { ...new Veo().description, name: 'veoTool' };
		}
		const result = await runNode({
			nodeType: new VeoTool(),
			parameters: { ...pauseMode, prompt: 'a tool call' },
			credentials: { aceDataCloudApi: { type: new AceDataCloudApi(), data: { apiToken: TOKEN, baseUrl: emulator().baseUrl } } },
			waitingWebhooks: n8n,
		});
		expect(result.error?.message).toBe('The node cannot pause for callbacks while an AI agent uses it as a tool');
		expect(emulator().requests).toEqual([]);
	});

	it('with On Error: Continue, a bad item becomes an error item and the others are paused for', async () => {
		const first = await runVeo(emulator(), pauseMode, {
			items: [{ prompt: 'good' }, { prompt: '' }],
			waitingWebhooks: n8n,
			continueOnFail: true,
		});
		expect(first.status).toBe('waiting');
		expect(emulator().creates()).toHaveLength(1);
		const final = await n8n.finished(first.executionId);
		expect(json(final.items)).toEqual([
			expect.objectContaining({ state: 'succeeded' }),
			expect.objectContaining({ error: expect.stringMatching(/Prompt.*\[item 1\]/) }),
		]);
		expect(final.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});
});

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
