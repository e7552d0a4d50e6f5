'use strict';
/**
 * Issue 17, points 2 and 4, in real n8n:
 * - a task that never finishes does not hold the items queued behind Max Videos in Progress: with a
 *   Max Wait of a few seconds the node ends, the queued item failed "not submitted", naming the task;
 * - paused for callbacks with On Error: Stop Workflow, a task that fails while others wait for a slot
 *   stops further creates (as in poll mode), and the execution's error names every paid task.
 */
const assert = require('node:assert/strict');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, readExecution, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { veoNode, until, mainTo, promptsHead, webhookHead } = require('../harness');
const { TOKEN, CRED_ID, CRED_NAME } = require('../fixtures');
const { executeOk, since } = require('../checks');

const CB_CRED = { id: 'veoCallbackEmu17', name: 'Veo (callback emulator, issue 17)' };
const STUCK = 'STUCK-17: a lighthouse that never finishes';
const HELD = 'HELD-17: a harbour that takes its time';
const REJECTED = 'REJECT-ME: a video the service refuses';
const after = (id, position) => ({ id, name: 'Videos', type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} });

const WF = {
	held: { id: 'veoE2eHeldQueue1', prompts: [STUCK, 'A heron on a pier'] },
	pauseStop: { id: 'veoE2ePauseStp17', path: 'veo-pause-stop-first-failure-e2e' },
};

/** Manual Trigger → Set → Split Out → Veo (poll, Max Videos 1, Max Wait 4 s, On Error: Continue) → Videos. */
function heldWorkflow({ id, prompts }) {
	const ids = (n) => `e1710000-0000-4000-8000-00000000000${n}`;
	const veo = veoNode({
		id: ids(4),
		credential: { id: CRED_ID, name: CRED_NAME },
		prompt: '={{ $json.prompt }}',
		waitMode: 'poll',
		options: { pollInterval: 1, maxWait: 4, maxConcurrent: 1 },
		position: [660, 0],
	});
	const head = promptsHead({ ids, prompts, next: veo.name });
	return {
		id,
		name: 'e2e: a stuck task and the queue behind it',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [...head.nodes, { ...veo, onError: 'continueRegularOutput' }, after(ids(5), [880, 0])],
		connections: { ...head.connections, Veo: { main: [[mainTo('Videos')]] } },
	};
}

/** Webhook → Split Out (body.prompts) → Veo paused for callbacks (Max Videos 2, On Error: Stop) → Videos. */
function pauseStopWorkflow({ id, path }) {
	const ids = (n) => `e1720000-0000-4000-8000-00000000000${n}`;
	const veo = veoNode({ id: ids(3), credential: CB_CRED, prompt: '={{ $json.prompt }}', waitMode: 'callback', options: { maxWait: 120, maxConcurrent: 2 }, position: [440, 0] });
	const head = webhookHead({ ids, path, next: veo.name });
	return {
		id,
		name: 'e2e: paused, the first failure stops further creates',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [...head.nodes, { ...veo, onError: 'stopWorkflow' }, after(ids(4), [660, 0])],
		connections: { ...head.connections, Veo: { main: [[mainTo('Videos')]] } },
	};
}

module.exports = {
	name: 'batch-bounds',
	about: 'a stuck task does not hold the queue for ever; paused with Stop, the first failure stops further creates',
	credentials: (ctx) => [{ ...CB_CRED, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl: ctx.cbBaseUrl } }],
	workflows: () => [heldWorkflow(WF.held), pauseStopWorkflow(WF.pauseStop)],
	async run(ctx) {
		const { instance, emu, cbEmu } = ctx;

		await ctx.check('Max Videos 1, the first task never finishes, Max Wait 4 s: the node ends, the queued item failed "not submitted", naming the task', async () => {
			emu.neverFinish('STUCK-17');
			const mark = emu.requests.length;
			const started = Date.now();
			const result = await instance.execute(WF.held.id, { timeoutMs: 120000 });
			const run = executeOk(result, WF.held.id);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1, 'one create: the queued item was never sent');
			const taskId = seen.creates[0].taskId;
			const items = nodeItems(run, 'Veo');
			assert.equal(items.length, 2);
			assert.match(String(items[0].json.error), new RegExp(`^Veo task ${taskId} did not finish within 4 seconds`));
			assert.equal(items[1].json.error, `Not submitted, nothing was charged: every slot stayed taken by ${taskId} and none of this node's videos finished for 4 seconds [item 1]`);
			assert.deepEqual(items.map((item) => item.pairedItem), [{ item: 0 }, { item: 1 }]);
			assert.ok(Date.now() - started < 90000, `ended after ${Date.now() - started} ms`);
		});

		await ctx.check('paused for callbacks, On Error: Stop, 6 items 2 at a time, item 0 fails: 2 paid, the error names both, nothing after Veo runs', async () => {
			await ctx.startServer();
			cbEmu.failTask('REJECT-ME');
			cbEmu.neverFinish('HELD-17');
			const mark = cbEmu.requests.length;
			await activateWorkflow(instance, WF.pauseStop.id);
			const prompts = [REJECTED, ...Array.from({ length: 5 }, (_, index) => `${HELD} ${index + 1}`)];
			await triggerWebhook(instance, WF.pauseStop.path, { prompts: prompts.map((prompt) => ({ prompt })) });
			const [listed] = await until(`an execution of ${WF.pauseStop.id} to finish`, async () => {
				const list = await listExecutions(instance, { workflowId: WF.pauseStop.id });
				return list.length > 0 && list.every(isFinished) ? list : undefined;
			}, 90000);
			const execution = await readExecution(instance, listed.id);
			const creates = since(cbEmu, mark).creates.filter((request) => request.taskId);
			assert.deepEqual(creates.map((request) => request.body.prompt), [REJECTED, `${HELD} 1`], 'two paid videos: nothing was created after the failure');
			assert.equal(execution.status, 'error', `status ${execution.status}`);
			const { runData, error } = execution.data.resultData;
			assert.equal(runData.Videos, undefined, 'the node after Veo did not run');
			const text = `${error?.message}\n${error?.description}`;
			assert.match(text, new RegExp(`Veo task ${creates[0].taskId} failed: .*CONTENT_REJECTED`));
			for (const { taskId } of creates) assert.ok(text.includes(`- ${taskId} (item `), `the error names ${taskId}:\n${text}`);
		});
	},
};
