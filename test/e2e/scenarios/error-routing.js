'use strict';
/**
 * Failures the way n8n's own nodes fail, in real n8n:
 * - On Error: Continue (using error output): failed videos on the error output, videos on the regular
 *   one, with a node on each branch; polling (`n8n execute`) and paused for callbacks (`n8n start`);
 * - On Error: Stop Workflow: the first failure stops new submissions (one create for three items);
 * - paused, a failed task ends the execution with no output: no node after the Veo node runs.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, readExecution, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { veoNode, doneNode, until, answerOf, mainTo, promptsHead, webhookHead } = require('../harness');
const { TOKEN, CRED_ID, CRED_NAME } = require('../fixtures');
const { executeOk, checkSucceeded, since } = require('../checks');

/** The credential of the pause emulator (ctx.cbEmu), as the pause scenarios name it. */
const CB_CRED = { id: 'veoCallbackEmu01', name: 'Veo (callback emulator)' };
const REJECTED = 'REJECT-ME: a video the service refuses';
const noOp = (id, name, position) => ({ ...doneNode({ id, position }), name });

/** Manual Trigger → Set (the prompts) → Split Out → Veo polling → [Videos] / [Failed] when routed. */
function pollWorkflow({ id, prompts, onError, options = {} }) {
	const ids = (n) => `e1${id.slice(-2)}0000-0000-4000-8000-00000000000${n}`;
	const veo = veoNode({ id: ids(4), credential: { id: CRED_ID, name: CRED_NAME }, prompt: '={{ $json.prompt }}', waitMode: 'poll', options: { pollInterval: 1, maxWait: 120, ...options }, position: [660, 0] });
	const routed = onError === 'continueErrorOutput';
	const head = promptsHead({ ids, prompts, next: veo.name });
	return {
		id,
		name: `e2e: errors, ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			...head.nodes,
			{ ...veo, onError },
			noOp(ids(5), 'Videos', [880, -100]),
			...(routed ? [noOp(ids(6), 'Failed', [880, 100])] : []),
		],
		connections: {
			...head.connections,
			[veo.name]: { main: routed ? [[mainTo('Videos')], [mainTo('Failed')]] : [[mainTo('Videos')]] },
		},
	};
}

/** Webhook → Split Out (body.prompts) → Veo paused for callbacks → [Videos] / [Failed] when routed. */
function pauseWorkflow({ id, path, onError }) {
	const ids = (n) => `e2${id.slice(-2)}0000-0000-4000-8000-00000000000${n}`;
	const veo = veoNode({ id: ids(3), credential: CB_CRED, prompt: '={{ $json.prompt }}', waitMode: 'callback', options: { maxWait: 120 }, position: [440, 0] });
	const routed = onError === 'continueErrorOutput';
	const head = webhookHead({ ids, path, next: veo.name });
	return {
		id,
		name: `e2e: errors paused, ${id}`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			...head.nodes,
			{ ...veo, onError },
			noOp(ids(4), 'Videos', [660, -100]),
			...(routed ? [noOp(ids(5), 'Failed', [660, 100])] : []),
		],
		connections: {
			...head.connections,
			[veo.name]: { main: routed ? [[mainTo('Videos')], [mainTo('Failed')]] : [[mainTo('Videos')]] },
		},
	};
}

const WF = {
	pollRouted: { id: 'veoE2eErrRoute01', prompts: ['A lighthouse at dusk', REJECTED, 'A heron on a pier'], onError: 'continueErrorOutput' },
	failFast: { id: 'veoE2eFailFast01', prompts: [REJECTED, 'A lighthouse at dusk', 'A heron on a pier'], onError: 'stopWorkflow', options: { maxConcurrent: 1 } },
	pauseRouted: { id: 'veoE2ePauseErr01', path: 'veo-pause-error-output-e2e', onError: 'continueErrorOutput' },
	pauseStop: { id: 'veoE2ePauseStop1', path: 'veo-pause-error-stop-e2e', onError: 'stopWorkflow' },
};

/** The Veo node's outputs in its last run: [regular, error]. */
function veoOutputs(execution) {
	const runs = execution.data.resultData.runData.Veo;
	return runs[runs.length - 1].data.main.map((items) => items ?? []);
}

/** The failed item on the error output (as the Failed node got it): the task, the service's words, the input's own fields. */
function checkFailedItem({ json }, emu) {
	assert.equal(json.prompt, REJECTED, `n8n adds the input item's fields: ${JSON.stringify(json).slice(0, 400)}`);
	assert.match(json.message, /^Veo task [0-9a-f-]{36} failed: .*\(CONTENT_REJECTED\) \[item 1\]$/);
	assert.equal(json.error.state, 'failed');
	assert.equal(json.error.code, 'CONTENT_REJECTED');
	assert.ok(json.error.serviceMessage, 'the service message');
	assert.equal(emu.getTask(json.error.taskId)?.request.prompt, REJECTED, 'the task of the rejected prompt');
}

/** A webhook execution of `workflowId` that has ended, once there is one. */
async function finishedExecution(instance, workflowId) {
	const [execution] = await until(`an execution of ${workflowId} to finish`, async () => {
		const list = await listExecutions(instance, { workflowId });
		return list.length > 0 && list.every(isFinished) ? list : undefined;
	}, 60000);
	return await readExecution(instance, execution.id);
}

module.exports = {
	name: 'error-routing',
	about: 'error output in poll and pause mode, fail-fast, a failed task in pause mode runs nothing after the node',
	credentials: (ctx) => [{ ...CB_CRED, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl: ctx.cbBaseUrl } }],
	workflows: () => [pollWorkflow(WF.pollRouted), pollWorkflow(WF.failFast), pauseWorkflow(WF.pauseRouted), pauseWorkflow(WF.pauseStop)],
	async run(ctx) {
		const { instance, emu, cbEmu } = ctx;

		await ctx.check('On Error: Continue (using error output), polling: the rejected video on the error branch, the two videos on the regular one', async () => {
			const result = await instance.execute(WF.pollRouted.id);
			const run = executeOk(result, WF.pollRouted.id);
			const videos = nodeItems(run, 'Videos');
			assert.equal(videos.length, 2, 'two videos on the regular branch');
			for (const item of videos) checkSucceeded(emu, item.json, true);
			const failed = nodeItems(run, 'Failed');
			assert.equal(failed.length, 1, 'one item on the error branch');
			checkFailedItem(failed[0], emu);
			const [regular, errors] = veoOutputs(run);
			assert.deepEqual(regular.map((item) => item.pairedItem), [{ item: 0 }, { item: 2 }], "the Veo node's regular output, paired with its input");
			assert.deepEqual(errors.map((item) => item.pairedItem), [{ item: 1 }], "the Veo node's error output");
		});

		await ctx.check('On Error: Stop Workflow: the first failed video stops the run; one create for three items', async () => {
			const mark = emu.requests.length;
			const result = await instance.execute(WF.failFast.id);
			const text = result.stdout + result.stderr;
			assert.equal(result.code, 1, `exit code\n${text.slice(-2000)}`);
			assert.match(text, /CONTENT_REJECTED/);
			assert.equal(since(emu, mark).creates.length, 1, 'one create request');
		});

		await ctx.check('paused for callbacks, On Error: Continue (using error output): the execution resumes with the rejected video on the error branch', async () => {
			await ctx.startServer();
			cbEmu.failTask('REJECT-ME');
			await activateWorkflow(instance, WF.pauseRouted.id);
			await triggerWebhook(instance, WF.pauseRouted.path, { prompts: ['A lighthouse at dusk', REJECTED].map((prompt) => ({ prompt })) });
			const execution = await finishedExecution(instance, WF.pauseRouted.id);
			assert.equal(execution.status, 'success', `status ${execution.status}`);
			const videos = nodeItems(execution, 'Videos');
			assert.equal(videos.length, 1);
			checkSucceeded(cbEmu, videos[0].json, true);
			assert.equal(videos[0].binary?.data?.mimeType, 'video/mp4');
			const failed = nodeItems(execution, 'Failed');
			assert.equal(failed.length, 1);
			checkFailedItem(failed[0], cbEmu);
			const [regular, errors] = veoOutputs(execution);
			assert.deepEqual(regular.map((item) => item.pairedItem), [{ item: 0 }]);
			assert.deepEqual(errors.map((item) => item.pairedItem), [{ item: 1 }]);
		});

		await ctx.check('paused for callbacks, On Error: Stop Workflow: a failed task ends the execution with no output, nothing after the Veo node runs', async () => {
			await ctx.startServer();
			cbEmu.failTask('REJECT-ME');
			cbEmu.neverFinish('never finishes');
			const mark = cbEmu.requests.length;
			await activateWorkflow(instance, WF.pauseStop.id);
			await triggerWebhook(instance, WF.pauseStop.path, { prompts: ['A lake that never finishes', REJECTED].map((prompt) => ({ prompt })) });
			const execution = await finishedExecution(instance, WF.pauseStop.id);
			const { runData } = execution.data.resultData;
			assert.equal(runData.Videos, undefined, 'the node after Veo did not run');
			assert.ok(runData.Webhook?.length, "the Webhook node's run is kept");
			assert.deepEqual(nodeItems(execution, 'Veo'), [], 'the Veo node resumed with no output');
			const rejected = since(cbEmu, mark).creates.find((r) => r.body.prompt === REJECTED);
			assert.ok(rejected?.taskId, 'the rejected prompt was submitted');
			const callback = await until('the rejected task to call back', () => cbEmu.callbacks.find((c) => c.taskId === rejected.taskId));
			assert.equal(callback.status, 200);
			const answer = answerOf(callback);
			assert.equal(answer.status, 'failed', `the callback's answer: ${callback.responseBody}`);
			assert.match(answer.error, new RegExp(`^Veo task ${callback.taskId} failed: .*CONTENT_REJECTED`));
			assert.match(answer.details, /Tasks already created at Ace Data Cloud/);
			const logged = fs.readFileSync(instance.logFile, 'utf8');
			assert.match(logged, new RegExp(`Veo task ${callback.taskId} failed: .*The execution ends here without output`), "the failure in n8n's log");
		});
	},
};
