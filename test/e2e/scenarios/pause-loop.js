'use strict';
/**
 * Many videos in one execution in pause mode: Webhook → Split Out → Loop Over Items (batches of 2) →
 * Veo → back to the loop, called with 5 prompts, on the pause emulator (ctx.cbEmu, 5 s videos).
 */
const assert = require('node:assert/strict');
const { log } = require('../../../scripts/lib/util');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, readExecution, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { webhookNode, veoNode, doneNode, until, answerOf, mainTo } = require('../harness');
const { TOKEN } = require('../fixtures');
const { checkVideoBinary, checkSucceeded, checkBearer } = require('../checks');
const { executionOfUrl, callbackUrlShape, checkCallbackCreate, lookupKey, lookupOf } = require('../callbacks');

/** The credential of the pause emulator. */
const CRED = { id: 'veoCallbackEmu01', name: 'Veo (callback emulator)' };

/**
 * The nodes of the Loop Over Items workflow: a Webhook trigger (POST, answering on receipt), one item
 * per prompt of the body (Split Out), the Veo node (version 2, text to video, pausing for callbacks,
 * downloading the video) and a No Op "Done". `ids` holds each node's id.
 */
function callbackNodes({ path: webhookPath, webhookId, credential, ids }) {
	return {
		webhook: webhookNode({ id: ids.webhook, webhookId, path: webhookPath }),
		split: {
			id: ids.split,
			name: 'One Item per Prompt',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [220, 0],
			parameters: { fieldToSplitOut: 'body.prompts', options: {} },
		},
		veo: veoNode({ id: ids.veo, credential, prompt: '={{ $json.prompt }}', waitMode: 'callback', position: [440, 0] }),
		done: doneNode({ id: ids.done, position: [660, 0] }),
	};
}


/**
 * The pattern for many videos in one execution: Loop Over Items (Split In Batches version 3) hands
 * the Veo node LOOP.batchSize items at a time; Veo pauses until that batch's callbacks, then feeds its
 * output back into the loop; the loop's "done" output (its first) gets every item once all are done.
 */
const LOOP = {
	wfId: 'veoE2eCallLoop01',
	path: 'veo-callback-loop-e2e',
	batchSize: 2,
	veoNodeId: 'c1000000-0000-4000-8000-000000000004',
};

function callbackLoopWorkflow({ credential }) {
	const { webhook, split, veo, done } = callbackNodes({
		path: LOOP.path,
		webhookId: 'c1000000-0000-4000-8000-0000000000a1',
		credential,
		ids: {
			webhook: 'c1000000-0000-4000-8000-000000000001',
			split: 'c1000000-0000-4000-8000-000000000002',
			veo: LOOP.veoNodeId,
			done: 'c1000000-0000-4000-8000-000000000005',
		},
	});
	const loop = {
		id: 'c1000000-0000-4000-8000-000000000003',
		name: 'Loop Over Items',
		type: 'n8n-nodes-base.splitInBatches',
		typeVersion: 3,
		position: [440, 0],
		parameters: { batchSize: LOOP.batchSize, options: {} },
	};
	return {
		id: LOOP.wfId,
		name: 'e2e: callback mode in Loop Over Items',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [webhook, split, loop, { ...veo, position: [660, 120] }, { ...done, position: [660, -120] }],
		connections: {
			[webhook.name]: { main: [[mainTo(split.name)]] },
			[split.name]: { main: [[mainTo(loop.name)]] },
			// Output 0 is "done", output 1 "loop".
			[loop.name]: { main: [[mainTo(done.name)], [mainTo(veo.name)]] },
			[veo.name]: { main: [[mainTo(loop.name)]] },
		},
	};
}

/** The most intervals [from, to) that overlap at any moment. */
function mostAtOnce(intervals) {
	const edges = intervals.flatMap(([from, to]) => [
		[from, 1],
		[to, -1],
	]);
	// At equal times an end comes first: a task that ends as another starts does not overlap it.
	edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let most = 0;
	for (const [, step] of edges) most = Math.max(most, (now += step));
	return most;
}

/**
 * Samples a workflow's executions (`GET /rest/executions`) until `isDone(list)` holds; returns every
 * sample as { from, to (ms, around the request), executions: [{ id, status, waitTill }] } and the last list.
 * On time-out the error shows the last sample and what `explain()` says.
 */
async function sampleExecutions(instance, workflowId, isDone, timeoutMs, explain = () => '') {
	const samples = [];
	try {
		const last = await until(
			`the executions of ${workflowId} to finish`,
			async () => {
				const from = Date.now();
				const list = await listExecutions(instance, { workflowId });
				samples.push({ from, to: Date.now(), executions: list.map(({ id, status, waitTill }) => ({ id, status, waitTill })) });
				return isDone(list) ? list : undefined;
			},
			timeoutMs,
		);
		return { samples, last };
	} catch (error) {
		error.message += `\nlast sample: ${JSON.stringify(samples.at(-1)?.executions)}\n${explain()}`;
		throw error;
	}
}

/** The emulator's story so far: each create, look-up, callback (with n8n's answer) and download, in time order. */
function emulatorStory(emu) {
	const t0 = emu.requests[0]?.at ?? 0;
	const events = [
		...emu.requests.map((r) => ({
			at: r.at,
			what: r.path === '/veo/tasks' ? `look-up ${lookupKey(r)}` : `${r.method} ${r.path}${r.body?.prompt ? ` "${r.body.prompt}"` : ''}`,
			result: r.taskId ? `task ${r.taskId}` : r.status,
		})),
		...emu.callbacks.map((c) => ({ at: c.at, what: `callback ${c.taskId}`, result: `${c.status ?? c.error} ${c.responseBody ?? ''}` })),
	].sort((a, b) => a.at - b.at);
	return events.map((e) => `  +${((e.at - t0) / 1000).toFixed(2)} s  ${e.what} → ${e.result}`).join('\n');
}
/**
 * Many videos in one execution, in pause mode: Loop Over Items (batches of LOOP.batchSize) → Veo →
 * back to the loop, called with 5 prompts. The execution must pause once per batch (2, 2, 1 items),
 * each time until that batch's callbacks; nothing may poll meanwhile; no more than one batch's tasks
 * may be in the making at once; and "Done" must get all 5 videos, in prompt order. Every create is
 * answered 1 s late (an injected delay), so the two tasks of a batch finish a second apart: the first
 * callback finds its batch incomplete, the second resumes the execution.
 */
async function checkCallbackLoop(major, instance, emu) {
	emu.reset(); // its log, tasks and callbacks: this check's only
	await activateWorkflow(instance, LOOP.wfId);
	const prompts = [
		'A paper lantern rising into a night sky',
		'Waves folding onto a black sand beach, aerial view',
		'A potter shaping a bowl on a wheel, close-up of the hands',
		'Snow falling on a quiet mountain village at dusk',
		'A tram crossing a bridge at sunrise, long lens',
	];
	const batches = [];
	for (let i = 0; i < prompts.length; i += LOOP.batchSize) batches.push(prompts.slice(i, i + LOOP.batchSize));
	emu.inject({ path: '/veo/videos', kind: 'delay', delayMs: 1000, count: prompts.length });

	const triggeredAt = Date.now();
	await triggerWebhook(instance, LOOP.path, { prompts: prompts.map((prompt) => ({ prompt })) });
	// The executions list, sampled every ~0.1 s until the run has ended.
	const { samples, last } = await sampleExecutions(
		instance,
		LOOP.wfId,
		(list) => list.length > 0 && list.every(isFinished),
		90000,
		() => `what the emulator saw:\n${emulatorStory(emu)}`,
	);
	assert.equal(last.length, 1, `one execution for one webhook call: ${JSON.stringify(last)}`);
	const [listed] = last;
	assert.equal(listed.status, 'success', `the execution ended ${listed.status}: ${JSON.stringify(listed)}`);

	// The service's side: one task per prompt, in prompt order, each with this execution's resume address.
	const creates = emu.creates();
	assert.deepEqual(creates.map((r) => r.body.prompt), prompts, 'one create per prompt, in prompt order');
	const urlShape = callbackUrlShape(instance, major, LOOP.veoNodeId);
	for (const r of creates) {
		checkCallbackCreate(r, urlShape, 'veo3-fast');
		assert.equal(executionOfUrl(r.body.callback_url), listed.id, 'every task calls back to this execution');
	}
	const tasks = emu.listTasks();
	assert.deepEqual(tasks.map((t) => t.id), creates.map((r) => r.taskId));
	const taskOf = (prompt) => tasks[prompts.indexOf(prompt)];
	const batchTasks = batches.map((batch) => batch.map(taskOf));

	// Never more than one batch in the making: at most 2 tasks at once, and each batch submitted only
	// once the one before it had finished.
	const most = mostAtOnce(tasks.map((t) => [t.createdAt, t.finishAt]));
	assert.equal(most, LOOP.batchSize, `at most ${LOOP.batchSize} tasks in the making at once (saw ${most})`);
	for (let k = 1; k < batches.length; k++) {
		const previousDone = Math.max(...batchTasks[k - 1].map((t) => t.finishAt));
		assert.ok(Math.min(...batchTasks[k].map((t) => t.createdAt)) > previousDone, `batch ${k + 1} created after batch ${k} had finished`);
	}

	// Callbacks: one per task, each answered 200; in a batch of two the first finds the other still
	// rendering ('waiting', remaining 1) and the second resumes the execution.
	assert.equal(emu.callbacks.length, prompts.length, 'one callback per task');
	const callbacksOf = (batch) => batch.map((t) => emu.callbacks.find((c) => c.taskId === t.id));
	for (const c of emu.callbacks) assert.equal(c.status, 200, `callback of ${c.taskId}: ${c.error ?? ''} ${c.responseBody}`);
	batchTasks.forEach((batch, k) => {
		const answers = callbacksOf(batch).map(answerOf);
		const expected = batch.map((t, i) =>
			i < batch.length - 1 ? { status: 'waiting', task_id: t.id, remaining: batch.length - 1 - i } : { status: 'resumed', task_id: t.id },
		);
		assert.deepEqual(answers, expected, `the answers to batch ${k + 1}'s callbacks`);
	});

	// No polling: per batch, one look-up between its last create and its first callback (the look
	// just before the pause), then one per callback until the next batch is submitted; nothing else.
	const queries = emu.queries();
	const between = (from, to) => queries.filter((q) => q.at >= from && q.at < to);
	const firstCreate = creates[0].at;
	assert.deepEqual(queries.filter((q) => q.at < firstCreate), [], 'no look-up before the first create');
	const windows = batchTasks.map((batch, k) => {
		const lastCreate = Math.max(...creates.filter((r) => batch.some((t) => t.id === r.taskId)).map((r) => r.at));
		const firstCallback = Math.min(...callbacksOf(batch).map((c) => c.at));
		const next = batchTasks[k + 1]?.[0];
		const nextCreate = next ? creates.find((r) => r.taskId === next.id).at : Infinity;
		const look = lookupOf(batch.map((t) => t.id));
		assert.deepEqual(between(lastCreate, firstCallback).map(lookupKey), [look], `batch ${k + 1}: one look-up before the pause, none while paused`);
		assert.deepEqual(
			between(firstCallback, nextCreate).map(lookupKey),
			batch.map(() => look),
			`batch ${k + 1}: one look-up per callback, then nothing until the next batch`,
		);
		return { look: between(lastCreate, firstCallback)[0].at, firstCallback };
	});
	// Those windows account for every look-up (none between the creates of a batch).
	assert.equal(queries.length, batches.length + prompts.length, 'one look-up per pause and one per callback, no other');
	const downloads = emu.downloads();
	assert.deepEqual(downloads.map((d) => d.path).sort(), tasks.map((t) => `/files/${t.id}.mp4`).sort(), 'each video downloaded once');
	assert.ok(downloads.every((d) => d.status === 200));
	assert.equal(emu.requests.length, creates.length + queries.length + downloads.length, 'no other request');
	checkBearer(emu.requests);

	// n8n's side: the execution was waiting three separate times (a new waitTill each time, until now
	// + Max Wait), each time from just after its batch's look-up until that batch's callbacks.
	// A sample taken before the webhook's execution was listed says nothing about it.
	const seen = samples.map((s) => ({ ...s, ...s.executions.find((e) => e.id === listed.id) })).filter((s) => s.status !== undefined);
	const pauses = [...new Set(seen.filter((s) => s.status === 'waiting').map((s) => s.waitTill))];
	assert.equal(pauses.length, batches.length, `paused once per batch: waitTill ${JSON.stringify(pauses)}`);
	const show = (list) => JSON.stringify(list.map((s) => [s.from, s.status, s.waitTill]));
	windows.forEach(({ look, firstCallback }, k) => {
		// After the look-up n8n still has to save the pause: 'running' for a moment, then 'waiting'.
		const inWindow = seen.filter((s) => s.from > look && s.to < firstCallback);
		const firstWaiting = inWindow.findIndex((s) => s.status === 'waiting');
		assert.ok(firstWaiting >= 0, `batch ${k + 1}: seen waiting while its videos rendered: ${show(inWindow)}`);
		assert.ok(inWindow[firstWaiting].from - look < 2000, `batch ${k + 1}: waiting within 2 s of its look-up: ${show(inWindow)}`);
		assert.ok(
			inWindow.slice(0, firstWaiting).every((s) => s.status === 'running') &&
				inWindow.slice(firstWaiting).every((s) => s.status === 'waiting' && s.waitTill === pauses[k]),
			`batch ${k + 1}: waiting (pause ${k + 1}) until its first callback: ${show(inWindow)}`,
		);
		const left = Date.parse(pauses[k]) - inWindow[firstWaiting].to;
		assert.ok(left > 840000 && left <= 900000, `batch ${k + 1}: waits until now + Max Wait (${pauses[k]})`);
	});
	assert.ok(seen.every((s) => ['new', 'running', 'waiting', 'success'].includes(s.status)), `statuses: ${[...new Set(seen.map((s) => s.status))]}`);

	// The run data: Veo ran once per batch, the loop once more to find none left, Done once with all 5.
	const execution = await readExecution(instance, listed.id);
	const { runData } = execution.data.resultData;
	assert.equal(runData.Veo?.length, batches.length, `the Veo node ran ${runData.Veo?.length} times`);
	assert.equal(runData['Loop Over Items']?.length, batches.length + 1, 'Loop Over Items ran once per batch and once to finish');
	runData.Veo.forEach((run, k) => {
		assert.ok(!run.error, `Veo run ${k + 1} failed: ${run.error?.message}`);
		const items = run.data.main[0];
		assert.deepEqual(items.map((item) => item.json.taskId), batchTasks[k].map((t) => t.id), `Veo run ${k + 1}: its batch, in order`);
		assert.deepEqual(items.map((item) => item.pairedItem), batchTasks[k].map((_, i) => ({ item: i })), `Veo run ${k + 1}: pairedItem`);
		assert.ok(items.every((item) => item.json.waitingFor === undefined), 'no ledger item in the output');
	});
	assert.equal(runData.Done?.length, 1, 'Done ran once');
	const done = nodeItems(execution, 'Done');
	assert.deepEqual(done.map((item) => item.json.taskId), prompts.map((p) => taskOf(p).id), 'Done gets every video, in prompt order');
	for (const item of done) {
		checkSucceeded(emu, item.json, true);
		checkVideoBinary(instance, emu, item, item.json.taskId);
	}
	const waited = pauses.map((waitTill) => {
		const mine = seen.filter((s) => s.waitTill === waitTill && s.status === 'waiting');
		return ((mine.at(-1).to - mine[0].from) / 1000).toFixed(1);
	});
	const total = ((Date.parse(execution.stoppedAt) - triggeredAt) / 1000).toFixed(1);
	log(`      ${pauses.length} pauses (seen waiting ${waited.join(', ')} s), at most ${most} videos in the making, trigger to end ${total} s`);
}

module.exports = {
	name: 'pause-loop',
	about: 'n8n start, pause mode in Loop Over Items: one pause per batch, no polling, every video at the end',
	credentials: (ctx) => [{ ...CRED, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl: ctx.cbBaseUrl } }],
	workflows: () => [callbackLoopWorkflow({ credential: CRED })],
	async run(ctx) {
		await ctx.check(`n8n start, callback mode in Loop Over Items (batches of 2): 5 prompts in one execution pause once per batch (no polling), at most 2 videos in the making, Done gets all 5 with the mp4s`, async () => {
			await ctx.startServer();
			await checkCallbackLoop(ctx.major, ctx.instance, ctx.cbEmu);
		});
	},
};
