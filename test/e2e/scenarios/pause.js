'use strict';
/**
 * Pause mode ("Pause Until Ace Data Cloud Calls Back") in `n8n start`, on example 7 as it is: two webhook
 * calls at once wait without polling, stray callbacks change nothing, each task's callback resumes its
 * execution with poll mode's output.
 */
const assert = require('node:assert/strict');
const { log } = require('../../../scripts/lib/util');
const { isFinished, activateWorkflow, postJson, triggerWebhook, listExecutions, readExecution, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { until, answerOf } = require('../harness');
const { EXAMPLE_IDS, pauseExample } = require('../fixtures');
const { checkVideoBinary, checkSucceeded, since, checkBearer } = require('../checks');
const { executionOfUrl, callbackUrlShape, checkCallbackCreate, lookupKey, lookupOf } = require('../callbacks');

/**
 * Callback mode end to end in `n8n start`, on example 7 as it is (its emulator credential; 3 s videos):
 * two webhook calls at once, one prompt each, as the example's curl command sends. Both executions pause
 * (status waiting, waitTill = now + Max Wait) while nothing polls; stray callbacks are turned away
 * without effect; each task's callback resumes its execution with the output poll mode gives, which the
 * next node gets. (A batch whose first callback finds another task still rendering: the loop check.)
 */
async function checkPauseExample(major, instance, emu) {
	const { path: hookPath, veo, next } = pauseExample();
	const workflowId = EXAMPLE_IDS.pause;
	await activateWorkflow(instance, workflowId);
	const mark = emu.requests.length;
	const callbacksBefore = emu.callbacks.length;
	const prompts = ['A lighthouse beam sweeping over a stormy sea at night', 'A hummingbird hovering at a red flower, slow motion'];
	await Promise.all(prompts.map((prompt) => triggerWebhook(instance, hookPath, { prompt })));
	const creates = await until('two submits', () => {
		const made = since(emu, mark).creates.filter((r) => r.taskId);
		return made.length === 2 ? prompts.map((prompt) => made.find((r) => r.body.prompt === prompt)) : undefined;
	});
	assert.ok(creates.every(Boolean), 'one task per prompt');
	const [a, b] = creates;
	const urlShape = callbackUrlShape(instance, major, veo.id);
	for (const r of creates) checkCallbackCreate(r, urlShape, veo.parameters.model);
	const [execA, execB] = creates.map((r) => executionOfUrl(r.body.callback_url));
	assert.notEqual(execA, execB, 'one execution per webhook call');

	// Both executions wait: shown as waiting, until now + Max Wait (default 900 s), and nothing polls.
	const waiting = await until('both executions to wait', async () => {
		const byId = new Map((await listExecutions(instance, { workflowId })).map((e) => [e.id, e]));
		return [execA, execB].every((id) => byId.get(id)?.status === 'waiting') ? byId : undefined;
	});
	const seenWaitingAt = Date.now();
	assert.equal(emu.callbacks.length, callbacksBefore, 'seen waiting before any video was done');
	for (const id of [execA, execB]) {
		const left = Date.parse(waiting.get(id).waitTill) - Date.now();
		assert.ok(left > 840000 && left <= 900000, `waits until now + Max Wait: waitTill ${waiting.get(id).waitTill}`);
	}

	// Stray callbacks to a waiting execution: turned away, nothing asked, nothing changed.
	const strayMark = emu.requests.length;
	const stray = [
		[{ success: true, task_id: '00000000-0000-4000-8000-00000000dead', data: [] }, 404, 'This execution did not create that task'],
		[{ success: true, task_id: b.taskId, data: [] }, 404, 'This execution did not create that task'],
		[{ success: true }, 400, 'The callback names no task_id'],
	];
	for (const [body, status, error] of stray) {
		const res = await postJson(a.body.callback_url, body);
		assert.equal(res.status, status, `stray callback ${JSON.stringify(body)}: ${res.text}`);
		assert.equal(res.body.error, error);
	}
	assert.equal(emu.requests.length, strayMark, 'stray callbacks ask the service nothing');
	const afterStray = (await listExecutions(instance, { workflowId })).find((e) => e.id === execA);
	assert.equal(afterStray.status, 'waiting', 'still waiting after the stray callbacks');
	assert.equal(afterStray.waitTill, waiting.get(execA).waitTill);

	await emu.waitForCallbacks(callbacksBefore + 2, 20000);
	const finished = await until('both executions to finish', async () => {
		const mine = (await listExecutions(instance, { workflowId })).filter((e) => [execA, execB].includes(e.id));
		return mine.length === 2 && mine.every(isFinished) ? mine : undefined;
	});
	for (const e of finished) assert.equal(e.status, 'success', `execution ${e.id}: ${JSON.stringify(e)}`);

	// Each task called back once, to its execution's address, which answered 200 'resumed'.
	const callbacks = emu.callbacks.slice(callbacksBefore);
	assert.equal(callbacks.length, 2, 'one callback per task');
	for (const r of creates) {
		const c = callbacks.find((cb) => cb.taskId === r.taskId);
		assert.ok(c, `the callback of ${r.taskId}`);
		assert.equal(c.url, r.body.callback_url);
		assert.equal(c.status, 200, `callback of ${r.taskId}: ${c.error ?? ''} ${c.responseBody}`);
		assert.deepEqual(answerOf(c), { status: 'resumed', task_id: r.taskId });
	}

	// What the service saw: up to the first callback, only the one look-up each execution makes right
	// after submitting (before it pauses); then one look-up per callback; one download per video.
	const seen = since(emu, mark);
	const firstCallbackAt = Math.min(...callbacks.map((c) => c.at));
	const looks = creates.map((r) => lookupOf([r.taskId])).sort();
	assert.deepEqual(seen.queries.filter((q) => q.at < firstCallbackAt).map(lookupKey).sort(), looks, 'no /veo/tasks request while the executions waited');
	assert.deepEqual(seen.queries.filter((q) => q.at >= firstCallbackAt).map(lookupKey).sort(), looks, 'one look-up per callback');
	assert.deepEqual(seen.downloads.map((d) => d.path).sort(), creates.map((r) => `/files/${r.taskId}.mp4`).sort(), 'each video downloaded once');
	assert.ok(seen.downloads.every((d) => d.status === 200));
	assert.equal(seen.all.length, creates.length + seen.queries.length + seen.downloads.length, 'no other request');
	checkBearer(seen.all);
	const firstSubmitAt = Math.min(...creates.map((r) => r.at));
	const after = (at) => `${((at - firstSubmitAt) / 1000).toFixed(1)} s`;
	log(`      both seen waiting ${after(seenWaitingAt)} after the first submit, the first callback ${after(firstCallbackAt)} after it`);

	// The resumed executions hold what poll mode gives, and the next node ran on it.
	for (const [executionId, create] of [
		[execA, a],
		[execB, b],
	]) {
		const execution = await readExecution(instance, executionId);
		assert.equal(execution.status, 'success');
		const { runData } = execution.data.resultData;
		assert.equal(runData[veo.name].length, 1, 'the paused run was replaced by the resumed one');
		const items = nodeItems(execution, veo.name);
		assert.equal(items.length, 1);
		const [item] = items;
		assert.equal(item.json.taskId, create.taskId, "the task of the execution's prompt");
		checkSucceeded(emu, item.json, true);
		assert.equal(item.json.waitingFor, undefined, 'no ledger field in the output');
		assert.deepEqual(item.pairedItem, { item: 0 });
		checkVideoBinary(instance, emu, item, item.json.taskId);
		assert.equal(runData[next].length, 1, 'the next node ran once');
		const done = nodeItems(execution, next);
		assert.deepEqual(done.map((d) => d.json.taskId), [create.taskId]);
		assert.ok(done.every((d) => d.binary?.data?.mimeType === 'video/mp4'), 'the video travels on to the next node');
	}
}

module.exports = {
	name: 'pause',
	about: 'n8n start, pause mode on example 7: executions wait without polling and resume on the callbacks',
	async run(ctx) {
		await ctx.check(`n8n start, callback mode, example 7 as it is: two webhook calls wait (no polling), callbacks resume them with the videos; stray callbacks change nothing`, async () => {
			await ctx.startServer();
			await checkPauseExample(ctx.major, ctx.instance, ctx.emu);
		});
	},
};
