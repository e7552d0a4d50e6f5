'use strict';
/**
 * Pause mode when the last callback comes before n8n has saved the pause: example 7 as it is (its
 * credential: ctx.emu), whose task finishes and calls back while the node's last look before pausing
 * is under way. n8n refuses that callback (409: the execution is still running) and the service
 * does not call again; the paused execution's own check must find the video done and resume, within
 * seconds instead of Max Wait (900 s).
 */
const assert = require('node:assert/strict');
const { log } = require('../../../scripts/lib/util');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, readExecution, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { until, answerOf } = require('../harness');
const { EXAMPLE_IDS, pauseExample } = require('../fixtures');
const { checkVideoBinary, checkSucceeded, since } = require('../checks');
const { executionOfUrl, lookupKey, lookupOf } = require('../callbacks');

/** The shipped first check comes 10 s after the pause; this leaves room for a loaded machine. */
const RESUMED_WITHIN_MS = 40_000;

async function checkMissedCallback(instance, emu) {
	const { path: hookPath, veo, next } = pauseExample();
	const workflowId = EXAMPLE_IDS.pause;
	await activateWorkflow(instance, workflowId);
	const prompt = `A paper boat racing its own callback, ${Date.now()}`;
	emu.callBackDuringLook(prompt);
	const mark = emu.requests.length;
	const callbacksBefore = emu.callbacks.length;
	await triggerWebhook(instance, hookPath, { prompt });
	const create = await until('the submit', () => since(emu, mark).creates.find((r) => r.taskId && r.body.prompt === prompt));
	const executionId = executionOfUrl(create.body.callback_url);

	// The task's one callback came while the node was still looking before its pause: refused.
	const [callback] = await emu.waitForCallbacks(callbacksBefore + 1, 20000).then((all) => all.slice(callbacksBefore));
	assert.equal(callback.taskId, create.taskId);
	assert.equal(callback.status, 409, `the callback reached a running execution: ${callback.status} ${callback.responseBody}`);
	const waiting = await until('the execution to wait', async () => {
		const e = (await listExecutions(instance, { workflowId })).find((x) => x.id === executionId);
		return e && (e.status === 'waiting' || isFinished(e)) ? e : undefined;
	});
	const pausedAt = Date.now();
	assert.equal(waiting.status, 'waiting', 'paused after the refused callback');
	assert.ok(Date.parse(waiting.waitTill) - pausedAt > 840_000, `Max Wait is still 900 s: waitTill ${waiting.waitTill}`);

	const finished = await until(
		'the execution to resume by itself',
		async () => {
			const e = (await listExecutions(instance, { workflowId })).find((x) => x.id === executionId);
			return e && isFinished(e) ? e : undefined;
		},
		RESUMED_WITHIN_MS,
		250,
	);
	const resumedAfter = Date.now() - pausedAt;
	assert.equal(finished.status, 'success', JSON.stringify(finished));
	assert.equal(emu.callbacks.length, callbacksBefore + 1, 'the service called back once, and not again');

	// Before the pause, the node's one look (the one the callback overtook); after it, one look: the check's.
	const seen = since(emu, mark);
	const looks = seen.queries.map(lookupKey);
	assert.deepEqual(looks, [lookupOf([create.taskId]), lookupOf([create.taskId])], 'one look before the pause, one for the check');
	assert.ok(seen.queries[1].at >= callback.at, 'the check looked after the refused callback');
	assert.deepEqual(seen.downloads.map((d) => [d.path, d.status]), [[`/files/${create.taskId}.mp4`, 200]], 'the video downloaded once');

	const execution = await readExecution(instance, executionId);
	const [item] = nodeItems(execution, veo.name);
	assert.equal(item.json.taskId, create.taskId);
	checkSucceeded(emu, item.json, true);
	assert.equal(item.json.waitingFor, undefined, 'the video, not the Max Wait placeholder');
	checkVideoBinary(instance, emu, item, create.taskId);
	assert.deepEqual(nodeItems(execution, next).map((d) => d.json.taskId), [create.taskId], 'the next node ran on the video');
	log(`      the refused callback: ${callback.status} ${answerOf(callback)?.message ?? ''}; resumed ${(resumedAfter / 1000).toFixed(1)} s after the pause was seen (Max Wait 900 s)`);
}

module.exports = {
	name: 'pause-missed',
	about: 'n8n start, pause mode: a callback refused because it came before the pause is made up for in seconds, not Max Wait',
	async run(ctx) {
		await ctx.check('n8n start, callback mode, example 7: the only callback came before n8n saved the pause (409); the execution checks by itself and resumes with the video within seconds', async () => {
			await ctx.startServer();
			await checkMissedCallback(ctx.instance, ctx.emu);
		});
	},
};
