#!/usr/bin/env node
'use strict';
/**
 * End-to-end test of the packed package in n8n's queue mode, for n8n 1.123.81 (this Node) and 2.41.1
 * (Node 24): Redis and PostgreSQL from Debian's packages (installed with apt-get when missing), one
 * `n8n start` main and two `n8n worker --concurrency=1` (exactly 2 worker slots), the tarball installed
 * as a community package, the Veo emulator in this process (videos take 6 s; up to 20 in the making).
 *
 * Two active workflows, Webhook (POST, answers on receipt) → Veo (version 2, text to video, prompt from
 * the body, Download Video on) → No Op, one polling (Poll Interval 1 s) and one pausing for callbacks.
 * Each gets N executions triggered at once over HTTP (N = 6 > 2 slots). Checked:
 *   - poll mode: every execution succeeds, was enqueued by the main and run by one worker, never more
 *     than 2 run at once, and its output is its prompt's task, succeeded, with the emulator's mp4 bytes
 *     (read back through the main's /rest/binary-data) and pairedItem;
 *   - callback mode: all N executions are `waiting` at the same time (more than there are worker slots)
 *     and, while the videos render (from then to the first callback), none is `running` and nothing asks
 *     the emulator about tasks; every callback is answered 200 (`resumed`); all N succeed, each started
 *     and resumed on a worker, with the same outputs as poll mode;
 *   - wall times, first trigger to last finish: about one video in callback mode, about N/2 videos in
 *     poll mode (with 2 slots no poll run can be faster than ceil(N/2) videos).
 *
 * Usage: node test/e2e/queue.js [--n8n=1,2] [--keep] [--binary=filesystem|database]
 *        (VEO_E2E_N8N=1,2 works too, as for run.js)
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { log, rmrf, sleep } = require('../../scripts/lib/util');
const { ensureN8n, cacheRoot } = require('../../scripts/lib/n8n-install');
const { ensureQueuePackages, startRedis, startPostgres, killOnExit } = require('../../scripts/lib/queue-services');
const { N8nQueueCluster } = require('../../scripts/lib/n8n-queue');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, readExecution, nodeItems, readBinary } = require('../../scripts/lib/n8n-rest');
const { MAJORS, KEEP, argValue, PACKAGE, NODE_TYPE, webhookNode, veoNode, doneNode, test, showOnFailure, packAndBuildEmulator, setupFailed, allPassed, finish, until, answerOf, escapeRe } = require('./harness');

const BINARY_MODE = argValue('binary') || 'filesystem';

const N = 6; // executions per mode, all triggered at once
const WORKERS = 2;
const CONCURRENCY = 1;
const SLOTS = WORKERS * CONCURRENCY;
const PENDING_MS = 2000;
const RUNNING_MS = 4000;
const VIDEO_MS = PENDING_MS + RUNNING_MS;
const SAMPLE_EVERY_MS = 200;

const TOKEN = 'queue-e2e-token-3c9b';
const CRED = { id: 'veoQueueEmulator', name: 'Veo (queue e2e emulator)' };
const OWNER = { email: 'queue@example.com', password: 'Queue-Passw0rd!' };
const MODES = {
	poll: { wfId: 'veoQueueE2ePoll1', path: 'veo-queue-poll', waitMode: 'poll', tag: 'a' },
	callback: { wfId: 'veoQueueE2eCall1', path: 'veo-queue-callback', waitMode: 'callback', tag: 'b' },
};

/** Webhook (POST, answers at once) → Veo (version 2, prompt from the body) → No Op. */
function workflow(mode) {
	const { wfId, path: hookPath, waitMode, tag } = MODES[mode];
	const id = (n) => `${tag}0000000-0000-4000-8000-00000000000${n}`;
	return {
		id: wfId,
		name: `queue e2e: webhook → Veo (${waitMode}) → No Op`,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			webhookNode({ id: id(1), webhookId: id(9), path: hookPath }),
			veoNode({
				id: id(2),
				credential: CRED,
				prompt: '={{ $json.body.prompt }}',
				waitMode,
				options: waitMode === 'poll' ? { pollInterval: 1 } : {},
				position: [260, 0],
			}),
			doneNode({ id: id(3), position: [520, 0] }),
		],
		connections: {
			Webhook: { main: [[{ node: 'Veo', type: 'main', index: 0 }]] },
			Veo: { main: [[{ node: 'Done', type: 'main', index: 0 }]] },
		},
	};
}

const seconds = (ms) => +(ms / 1000).toFixed(1);

/**
 * Samples `GET /rest/executions` (all workflows) every SAMPLE_EVERY_MS until stopped. Each sample:
 * { sentAt, receivedAt, executions: [{ id, workflowId, status }] } (this process's clock, as the emulator's).
 */
function startSampler(main) {
	const samples = [];
	const errors = [];
	let stopped = false;
	const loop = (async () => {
		while (!stopped) {
			const sentAt = Date.now();
			try {
				const list = await listExecutions(main, { limit: 100 });
				samples.push({ sentAt, receivedAt: Date.now(), executions: list.map(({ id, workflowId, status }) => ({ id, workflowId, status })) });
			} catch (error) {
				errors.push(error);
			}
			await sleep(Math.max(0, SAMPLE_EVERY_MS - (Date.now() - sentAt)));
		}
	})();
	return {
		samples,
		errors,
		stop: async () => {
			stopped = true;
			await loop;
			return samples;
		},
	};
}

const count = (sample, predicate) => sample.executions.filter(predicate).length;

/** How often each worker's log (and the main's) says it started / the main enqueued this execution. */
function runsOf(cluster, executionId) {
	const started = new RegExp(`Worker started execution ${executionId} \\(job`, 'g');
	const enqueued = new RegExp(`Enqueued execution ${executionId} \\(job`, 'g');
	const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
	const byWorker = Object.fromEntries(cluster.workers.map((w) => [w.name, (read(w.logFile).match(started) || []).length]));
	const mainLog = read(cluster.main.logFile);
	return {
		byWorker,
		workerStarts: Object.values(byWorker).reduce((a, b) => a + b, 0),
		mainStarts: (mainLog.match(started) || []).length,
		enqueuedByMain: (mainLog.match(enqueued) || []).length,
	};
}

/**
 * Triggers one execution per prompt at once, waits until all of them finished, and returns
 * { t0, executions (finished, from the list), wall (ms, first trigger → last stoppedAt), samples }.
 */
async function runBatch(main, mode, prompts, { timeoutMs = 180000 } = {}) {
	const { wfId, path: hookPath } = MODES[mode];
	const before = new Set((await listExecutions(main, { workflowId: wfId })).map((e) => e.id));
	const sampler = startSampler(main);
	try {
		const t0 = Date.now();
		await Promise.all(prompts.map((prompt) => triggerWebhook(main, hookPath, { prompt })));
		const executions = await until(
			`${prompts.length} ${mode}-mode executions to finish`,
			async () => {
				const mine = (await listExecutions(main, { workflowId: wfId })).filter((e) => !before.has(e.id));
				return mine.length === prompts.length && mine.every(isFinished) ? mine : undefined;
			},
			timeoutMs,
			250,
		);
		const lastStop = Math.max(...executions.map((e) => Date.parse(e.stoppedAt)));
		return { t0, executions, wall: lastStop - t0, samples: await sampler.stop(), samplerErrors: sampler.errors };
	} finally {
		await sampler.stop();
	}
}

/**
 * The output of one finished execution, checked against the emulator: the Veo node's item is the task
 * the emulator made for the execution's prompt, succeeded, with its mp4 bytes and pairedItem, and the
 * No Op node ran on it. Returns { prompt, taskId }.
 */
async function checkOutput(main, emu, executionId, prompts) {
	const execution = await readExecution(main, executionId);
	assert.equal(execution.status, 'success', `execution ${executionId}: ${JSON.stringify(execution.data?.resultData?.error ?? execution).slice(0, 600)}`);
	assert.equal(execution.mode, 'webhook');
	const [hookItem] = nodeItems(execution, 'Webhook');
	const prompt = hookItem.json.body.prompt;
	assert.ok(prompts.includes(prompt), `execution ${executionId} ran for one of the prompts: ${prompt}`);
	const creates = emu.creates().filter((r) => r.body.prompt === prompt);
	assert.equal(creates.length, 1, `one task created for '${prompt}'`);
	const [create] = creates;
	const { runData } = execution.data.resultData;
	assert.equal(runData.Veo.length, 1, `the Veo node has one run in execution ${executionId}`);
	const items = nodeItems(execution, 'Veo');
	assert.equal(items.length, 1, 'one output item');
	const [item] = items;
	const { json } = item;
	assert.equal(json.taskId, create.taskId, `execution ${executionId}: the task the emulator made for its prompt`);
	assert.equal(json.state, 'succeeded');
	assert.equal(emu.getTask(json.taskId).state, 'succeeded');
	assert.match(json.videoId, /^[0-9a-f]{32}$/, 'videoId');
	assert.equal(json.videoUrl, emu.videoUrl(json.taskId));
	assert.ok(json.traceId && json.createdAt && json.completedAt, 'traceId, createdAt, completedAt');
	assert.ok(!json.error, `no error: ${JSON.stringify(json.error)}`);
	assert.equal(json.waitingFor, undefined, 'no ledger field in the output');
	assert.deepEqual(item.pairedItem, { item: 0 }, 'pairedItem');
	const binary = item.binary?.data;
	assert.ok(binary, `the item has the video as binary 'data': ${JSON.stringify(item).slice(0, 300)}`);
	assert.equal(binary.mimeType, 'video/mp4');
	assert.equal(binary.fileName, `${json.taskId}.mp4`);
	const bytes = await readBinary(main, binary);
	const expected = emu.videoBytes(json.taskId);
	assert.equal(bytes.length, expected.length, 'stored video size');
	assert.ok(bytes.equals(expected), `execution ${executionId}: the stored mp4 is byte for byte what the emulator served`);
	assert.equal(runData.Done.length, 1, 'the No Op node ran once');
	const [done] = nodeItems(execution, 'Done');
	assert.equal(done.json.taskId, json.taskId, 'the No Op node got the video item');
	assert.equal(done.binary?.data?.id, binary.id, 'the video travels on to the next node');
	return { prompt, taskId: json.taskId, create };
}

// ----- the suite for one n8n version -----

async function suite(major, { tarball, VeoEmulator, timings }) {
	const tInstall = Date.now();
	log(`=== queue mode, n8n ${major}.x ===`);
	const install = await ensureN8n(major);
	const label = `[queue, n8n ${install.profile.n8n}]`;
	const t = (timings[`n8n ${install.profile.n8n}`] = {});
	t[`n8n install (cached: ${install.info.seconds} s when made)`] = seconds(Date.now() - tInstall);
	log(`n8n ${install.profile.n8n} on Node ${install.runtime.version}; binary data mode ${BINARY_MODE}`);
	const tSuite = Date.now();

	const work = fs.mkdtempSync(path.join(os.tmpdir(), `veo-queue-e2e-n8n${major}-`));
	const forget = KEEP ? () => {} : killOnExit(() => rmrf(work)); // also on Ctrl-C or a crash
	const emu = new VeoEmulator({ token: TOKEN, pendingMs: PENDING_MS, runningMs: RUNNING_MS, maxInFlight: 20, videoSize: 256 * 1024 + 7 });
	const baseUrl = await emu.start();
	let redis;
	let postgres;
	let cluster;
	const state = {};
	try {
		const up = await test(`${label} Redis + PostgreSQL, the packed tarball installed, one main and ${WORKERS} workers (--concurrency=${CONCURRENCY}) up, workflows imported and active`, async () => {
			let t0 = Date.now();
			[redis, postgres] = await Promise.all([startRedis({ keep: KEEP }), startPostgres({ keep: KEEP })]);
			t['Redis + PostgreSQL start'] = seconds(Date.now() - t0);
			cluster = new N8nQueueCluster(install, path.join(work, 'home'), { redis, postgres, workers: WORKERS, concurrency: CONCURRENCY, binaryDataMode: BINARY_MODE });
			showOnFailure(() => cluster.logTails(25));
			t0 = Date.now();
			const nodesDir = await cluster.installPackage(tarball);
			assert.ok(fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE, 'dist', 'nodes', 'Veo', 'Veo.node.js')), 'the package is installed');
			t['community package install'] = seconds(Date.now() - t0);
			t0 = Date.now();
			const creds = path.join(work, 'credentials.json');
			fs.writeFileSync(creds, JSON.stringify([{ ...CRED, type: 'aceDataCloudApi', data: { apiToken: TOKEN, baseUrl } }]));
			await cluster.main.importCredentials(creds);
			const wfDir = path.join(work, 'workflows');
			fs.mkdirSync(wfDir);
			for (const mode of Object.keys(MODES)) fs.writeFileSync(path.join(wfDir, `${mode}.json`), JSON.stringify(workflow(mode)));
			await cluster.main.importWorkflows(wfDir);
			t['CLI import into PostgreSQL (credential, 2 workflows)'] = seconds(Date.now() - t0);
			t0 = Date.now();
			await cluster.start();
			t[`cluster start (${cluster.startedAs})`] = seconds(Date.now() - t0);
			const { main } = cluster;
			await main.ensureOwner(OWNER);
			const nodes = await main.rest('GET', '/types/nodes.json');
			const list = Array.isArray(nodes.body) ? nodes.body : nodes.body.data;
			assert.ok(list.find((n) => n.name === NODE_TYPE && [].concat(n.version).includes(2)), `${NODE_TYPE} version 2 is registered on the main`);
			t0 = Date.now();
			for (const mode of Object.keys(MODES)) await activateWorkflow(main, MODES[mode].wfId);
			t['activation of both workflows until live'] = seconds(Date.now() - t0);
		});
		if (!up) return;
		const { main } = cluster;

		// ----- poll mode -----
		const pollPrompts = Array.from({ length: N }, (_, i) => `poll ${i + 1} of ${N} on n8n ${major}: a paper lantern rising over a lake, take ${i + 1}`);
		await test(`${label} poll mode: ${N} webhook executions at once all succeed, each enqueued by the main and run by one worker, at most ${SLOTS} at a time`, async () => {
			const batch = await runBatch(main, 'poll', pollPrompts);
			state.poll = batch;
			t['poll mode wall time (first trigger → last finish)'] = seconds(batch.wall);
			for (const e of batch.executions) assert.equal(e.status, 'success', `execution ${e.id}: ${JSON.stringify(e)}`);
			const used = new Set();
			for (const e of batch.executions) {
				const runs = runsOf(cluster, e.id);
				assert.equal(runs.enqueuedByMain, 1, `the main enqueued execution ${e.id}: ${JSON.stringify(runs)}`);
				assert.equal(runs.mainStarts, 0, `the main did not run execution ${e.id}`);
				assert.equal(runs.workerStarts, 1, `exactly one worker ran execution ${e.id} once: ${JSON.stringify(runs)}`);
				for (const [name, n] of Object.entries(runs.byWorker)) if (n) used.add(name);
			}
			assert.equal(used.size, WORKERS, `both workers ran executions (${[...used].join(', ')})`);
			const ids = new Set(batch.executions.map((e) => e.id));
			const running = batch.samples.map((s) => count(s, (e) => ids.has(e.id) && e.status === 'running'));
			const maxRunning = Math.max(0, ...running);
			state.poll.maxRunning = maxRunning;
			assert.ok(batch.samples.length >= 10, `sampled /rest/executions ${batch.samples.length} times`);
			assert.ok(maxRunning <= SLOTS, `never more than ${SLOTS} running at once (saw ${maxRunning})`);
			assert.equal(maxRunning, SLOTS, `both slots were busy at some point (saw at most ${maxRunning} running)`);
			const floor = Math.ceil(N / SLOTS) * VIDEO_MS;
			assert.ok(batch.wall >= floor, `with ${SLOTS} slots, ${N} polling executions of a ${VIDEO_MS / 1000} s video take at least ${floor / 1000} s (took ${seconds(batch.wall)} s)`);
			log(`    poll mode: ${N} executions in ${seconds(batch.wall)} s, at most ${maxRunning} running at once, workers ${[...used].join(' and ')}`);
		});

		await test(`${label} poll mode: each output is its prompt's task, succeeded, with the emulator's mp4 bytes (read back through the main) and pairedItem`, async () => {
			assert.ok(state.poll, 'poll mode did not finish');
			const seen = [];
			for (const e of state.poll.executions) {
				const out = await checkOutput(main, emu, e.id, pollPrompts);
				assert.equal(out.create.body.callback_url, undefined, 'poll mode sends no callback_url');
				seen.push(out.prompt);
			}
			assert.deepEqual(seen.sort(), [...pollPrompts].sort(), 'one execution per prompt');
		});

		// ----- callback mode -----
		const cbPrompts = Array.from({ length: N }, (_, i) => `callback ${i + 1} of ${N} on n8n ${major}: a kite over a windy beach, take ${i + 1}`);
		await test(`${label} callback mode: ${N} executions wait at once (> ${SLOTS} worker slots); while the videos render none is running and nothing asks about tasks`, async () => {
			const reqMark = emu.requests.length;
			const cbMark = emu.callbacks.length;
			const batch = await runBatch(main, 'callback', cbPrompts);
			state.callback = batch;
			t['callback mode wall time (first trigger → last finish)'] = seconds(batch.wall);
			await emu.waitForCallbacks(cbMark + N, 30000);
			const callbacks = emu.callbacks.slice(cbMark);
			state.callback.callbacks = callbacks;
			const ids = new Set(batch.executions.map((e) => e.id));
			const waitingIn = (s) => count(s, (e) => ids.has(e.id) && e.status === 'waiting');
			const maxWaiting = Math.max(0, ...batch.samples.map(waitingIn));
			assert.equal(maxWaiting, N, `all ${N} executions were waiting at the same time (saw at most ${maxWaiting})`);
			// The render window: from the first sample that saw all N waiting to the first callback.
			const firstAllWaiting = batch.samples.find((s) => waitingIn(s) === N);
			const firstCallbackAt = Math.min(...callbacks.map((c) => c.at));
			const windowStart = firstAllWaiting.receivedAt;
			const windowMs = firstCallbackAt - windowStart;
			const inWindow = batch.samples.filter((s) => s.sentAt >= windowStart && s.receivedAt <= firstCallbackAt);
			state.callback.window = { fromTrigger: windowStart - batch.t0, ms: windowMs, samples: inWindow.length };
			log(
				`    callback mode: all ${N} waiting ${seconds(windowStart - batch.t0)} s after the first trigger; first callback ` +
					`${seconds(firstCallbackAt - batch.t0)} s; render window ${seconds(windowMs)} s with ${inWindow.length} samples`,
			);
			assert.ok(windowMs >= 1000, `all ${N} were waiting at least 1 s before the first callback (${windowMs} ms)`);
			assert.ok(inWindow.length >= 3, `sampled the render window ${inWindow.length} times`);
			for (const s of inWindow) {
				const shown = JSON.stringify(s.executions.filter((e) => e.status !== 'success'));
				assert.equal(count(s, (e) => e.status === 'running'), 0, `no execution running at +${s.sentAt - batch.t0} ms: ${shown}`);
				assert.equal(waitingIn(s), N, `all ${N} still waiting at +${s.sentAt - batch.t0} ms: ${shown}`);
			}
			// What the emulator saw: one look-up per execution before it paused, none while they waited.
			const queries = emu.requests.slice(reqMark).filter((r) => r.path === '/veo/tasks');
			const during = queries.filter((q) => q.at >= windowStart && q.at < firstCallbackAt);
			assert.deepEqual(during.map((q) => q.body), [], 'no /veo/tasks request while the videos rendered');
			const before = queries.filter((q) => q.at < windowStart);
			assert.equal(before.length, N, `one look-up per execution before it paused: ${JSON.stringify(before.map((q) => q.body))}`);
			const submitted = emu.requests.slice(reqMark).filter((r) => r.path === '/veo/videos' && r.taskId);
			assert.equal(submitted.length, N, 'one task per execution');
			assert.ok(submitted.every((r) => r.at < windowStart), 'every task was submitted before the render window');
		});

		await test(`${label} callback mode: every callback answered 200 (resumed); all ${N} executions succeed, each started and resumed on a worker, never on the main`, async () => {
			assert.ok(state.callback?.callbacks, 'callback mode did not finish');
			const { executions, callbacks } = state.callback;
			for (const e of executions) assert.equal(e.status, 'success', `execution ${e.id}: ${JSON.stringify(e)}`);
			const creates = emu.creates().filter((r) => cbPrompts.includes(r.body.prompt));
			assert.equal(creates.length, N, 'one task per prompt');
			assert.equal(callbacks.length, N, 'one callback per task');
			for (const c of callbacks) {
				const create = creates.find((r) => r.taskId === c.taskId);
				assert.ok(create, `callback for a task of this batch: ${c.taskId}`);
				assert.equal(c.url, create.body.callback_url, 'posted to the callback_url the node sent');
				assert.match(c.url, new RegExp(`^${escapeRe(main.baseUrl)}/webhook-waiting/\\d+`), 'callback_url: the main\'s resume address');
				assert.equal(c.status, 200, `callback of ${c.taskId}: ${c.error ?? ''} ${c.responseBody}`);
				assert.deepEqual(answerOf(c), { status: 'resumed', task_id: c.taskId }, `n8n's answer to the callback of ${c.taskId}`);
			}
			for (const e of executions) {
				const runs = runsOf(cluster, e.id);
				assert.equal(runs.mainStarts, 0, `the main did not run execution ${e.id}: ${JSON.stringify(runs)}`);
				assert.equal(runs.enqueuedByMain, 2, `the main enqueued execution ${e.id} twice, to start and to resume: ${JSON.stringify(runs)}`);
				assert.equal(runs.workerStarts, 2, `workers ran execution ${e.id} twice, start and resume: ${JSON.stringify(runs)}`);
			}
			// After the render window: one look-up per callback, one download per video, nothing else.
			const firstCallbackAt = Math.min(...callbacks.map((c) => c.at));
			const after = emu.requests.filter((r) => r.at >= firstCallbackAt);
			assert.equal(after.filter((r) => r.path === '/veo/tasks').length, N, 'one look-up per callback');
			assert.deepEqual(
				after.filter((r) => r.path.startsWith('/files/')).map((r) => r.path).sort(),
				creates.map((r) => `/files/${r.taskId}.mp4`).sort(),
				'each video downloaded once',
			);
		});

		await test(`${label} callback mode: each output is its prompt's task, succeeded, with the emulator's mp4 bytes and pairedItem, as in poll mode`, async () => {
			assert.ok(state.callback?.callbacks, 'callback mode did not finish');
			const seen = [];
			for (const e of state.callback.executions) {
				const out = await checkOutput(main, emu, e.id, cbPrompts);
				assert.match(out.create.body.callback_url, new RegExp(`/webhook-waiting/${e.id}\\b`), 'the task calls back to its own execution');
				seen.push(out.prompt);
			}
			assert.deepEqual(seen.sort(), [...cbPrompts].sort(), 'one execution per prompt');
		});

		await test(`${label} callback mode takes about one video, poll mode about ${N}/${SLOTS} videos`, async () => {
			assert.ok(state.poll && state.callback, 'both modes must have run');
			const floor = Math.ceil(N / SLOTS) * VIDEO_MS;
			const ratio = state.poll.wall / state.callback.wall;
			t['poll ÷ callback wall time'] = +ratio.toFixed(2);
			log(
				`    one video ${VIDEO_MS / 1000} s; poll mode ${seconds(state.poll.wall)} s, callback mode ${seconds(state.callback.wall)} s: ` +
					`${ratio.toFixed(2)}× faster (poll mode can never beat ${floor / 1000} s on ${SLOTS} slots)`,
			);
			assert.ok(state.callback.wall < floor, `callback mode (${seconds(state.callback.wall)} s) is faster than any poll run on ${SLOTS} slots could be (${floor / 1000} s)`);
			assert.ok(state.callback.wall < state.poll.wall, 'callback mode is faster than poll mode');
		});

		const t0 = Date.now();
		await cluster.stop();
		t['cluster stop'] = seconds(Date.now() - t0);
	} finally {
		if (cluster) await cluster.stop().catch(() => {});
		await Promise.all([redis?.stop(), postgres?.stop()]);
		await emu.stop();
		showOnFailure(undefined);
		t['suite (without the install)'] = seconds(Date.now() - tSuite);
		if (KEEP) log(`kept ${work}`);
		else rmrf(work);
		forget();
	}
}

async function main() {
	const started = Date.now();
	const timings = { setup: {} };
	log(`e2e (queue mode): n8n ${MAJORS.map((m) => `${m}.x`).join(' and ')}; cache ${cacheRoot()}; ${N} executions per mode on ${WORKERS} workers × ${CONCURRENCY}`);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veo-queue-pack-'));
	const forgetTmp = KEEP ? () => {} : killOnExit(() => rmrf(tmp));
	await test('Redis and PostgreSQL installed (Debian packages)', async () => {
		const t0 = Date.now();
		const pkgs = await ensureQueuePackages();
		timings.setup[`Debian packages (${pkgs.installed.length ? `installed ${pkgs.installed.join(', ')}` : 'already there'})`] = seconds(Date.now() - t0);
	});
	const { tarball, VeoEmulator, ms } = await packAndBuildEmulator(tmp);
	if (tarball && VeoEmulator) timings.setup['build + pack + emulator'] = seconds(ms);
	if (tarball && VeoEmulator && allPassed()) {
		for (const major of MAJORS) {
			try {
				await suite(major, { tarball, VeoEmulator, timings });
			} catch (error) {
				setupFailed(`queue mode, n8n ${major}.x set-up`, error);
			}
		}
	}
	rmrf(tmp);
	forgetTmp();
	const timeLines = Object.entries(timings).flatMap(([what, t]) => Object.entries(t).map(([k, s]) => `${what}: ${k}: ${s}${k.includes('÷') ? '×' : ' s'}`));
	finish('e2e (queue mode)', started, timeLines);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
