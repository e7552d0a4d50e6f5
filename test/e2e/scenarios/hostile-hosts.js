'use strict';
/**
 * Hostile video hosts and forged callbacks, in real n8n: a host that stalls is cut off at the download
 * deadline and an endless one at Max Video Size (`n8n execute`); a forged "succeeded" callback changes
 * nothing and fetches nothing (`n8n start`, example 7); and which binary data modes hold a downloaded
 * video in memory (the peak memory of `n8n execute` per mode). Details: docs/hostile-hosts.md.
 */
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { log } = require('../../../scripts/lib/util');
const { isFinished, activateWorkflow, postJson, triggerWebhook, listExecutions, readExecution, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { NODE_TYPE, veoNode, until, mainTo } = require('../harness');
const { TOKEN, CRED_ID, CRED_NAME, EXAMPLE_IDS, pauseExample } = require('../fixtures');
const { executeOk, checkVideoBinary, since } = require('../checks');
const { executeMeasured } = require('../measure');
const { executionOfUrl } = require('../callbacks');


/**
 * Hostile hosts and forged callbacks (issue 12), in real n8n. `phase` 'execute' runs before `n8n
 * start`: with `n8n execute`, a video host that stalls after 1 KiB is cut off at the download
 * deadline (Max Wait 3 s, so the 15 s floor), and one that streams without end is cut off at Max Video
 * Size; each fails only its item (On Error: Continue), once, naming its task. `phase` 'start' runs
 * while `n8n start` serves example 7: a forged "succeeded" callback for a task the service still shows
 * running, with a video at a host of the forger's choosing, leaves the execution waiting and nothing
 * is fetched from that host; the real result then resumes it with the service's video.
 */
async function hostileHostChecks(phase, { instance, emu, VeoEmulator, work }) {
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

/** A workflow whose Veo node gets one item per prompt (Set with the list, then Split Out). */
function batchWorkflow(workflowId, name, prompts, veo) {
	return {
		id: workflowId,
		name,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: randomUUID(), name: 'Prompts', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [150, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }), options: {} } },
			{ id: randomUUID(), name: 'One Item per Prompt', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [300, 0], parameters: { fieldToSplitOut: 'prompts', options: {} } },
			veo,
		],
		connections: { Start: { main: [[mainTo('Prompts')]] }, Prompts: { main: [[mainTo('One Item per Prompt')]] }, 'One Item per Prompt': { main: [[mainTo(veo.name)]] } },
	};
}

/** Every file in the instance's binary data store, with when it was last written. */
function storedFiles(instance) {
	return ['binaryData', 'storage']
		.map((folder) => path.join(instance.userFolder, '.n8n', folder))
		.filter((folder) => fs.existsSync(folder))
		.flatMap((folder) => fs.readdirSync(folder, { recursive: true }).map((name) => path.join(folder, name)))
		.filter((file) => fs.statSync(file).isFile())
		.map((file) => ({ file, writtenAt: fs.statSync(file).mtimeMs }));
}

/**
 * Transfers bounded by the node (issue 18), in real `n8n execute`. Deadlines do not add up: 9 videos
 * whose hosts all stall, Max Wait 5 s, 3 downloads at a time, end at the one deadline (about 15 s
 * after the tasks finish), not in 3 rounds of 15 s; n8n's peak memory is measured meanwhile. Stop
 * means stop (On Error: Stop): a 404 next to a trickling host fails the node at once, the trickle's
 * connection is closed within a second of the 404, and nothing is written to the binary store after.
 */
async function boundedTransferChecks({ instance, emu, work }) {
	const dir = path.join(work, 'bounded');
	fs.mkdirSync(dir, { recursive: true });
	const veo = (options) => veoNode({ id: randomUUID(), credential: { id: CRED_ID, name: CRED_NAME }, prompt: '={{ $json.prompt }}', waitMode: 'poll', options, position: [450, 0] });
	const stalled = veo({ maxWait: 5, pollInterval: 1 });
	stalled.onError = 'continueRegularOutput';
	const stopping = veo({ maxWait: 60, pollInterval: 1 });
	const prompts = Array.from({ length: 9 }, (_, index) => `A stalled host ${index}`);
	const notFoundPrompt = 'A video whose address answers 404';
	fs.writeFileSync(path.join(dir, 'stalled.json'), JSON.stringify(batchWorkflow('veoE2eBounded001', 'e2e: 9 stalled video hosts', prompts, stalled)));
	fs.writeFileSync(path.join(dir, 'stop.json'), JSON.stringify(batchWorkflow('veoE2eBounded002', 'e2e: a 404 next to a trickle', ['A trickling host', notFoundPrompt], stopping)));
	await instance.importWorkflows(dir);

	{
		const mark = emu.requests.length;
		emu.inject({ path: 'download', kind: 'stall', count: prompts.length });
		const { code, peak, run, stdout } = await executeMeasured(instance, 'veoE2eBounded001', {}, { keepOutput: true });
		emu.clearFaults();
		assert.equal(code, 0, stdout.slice(-3000));
		const items = nodeItems(run, stalled.name);
		assert.equal(items.length, prompts.length);
		for (const item of items) assert.match(item.json.error, /could not be downloaded: the video download did not finish within 1\d seconds \[item \d\]$/, JSON.stringify(item.json));
		const took = run.data.resultData.runData[stalled.name][0].executionTime;
		const seen = since(emu, mark);
		// The tasks take 3 s (plus pacing); then the 15 s floor, once: not 3 rounds of it (46 s before).
		assert.ok(took < 5000 + 15000 + 5000, `the Veo node ran ${took} ms`);
		// The tasks finish a little apart, so how many downloads started before their deadlines passed varies.
		log(`      9 stalled hosts, Max Wait 5 s: the node ended after ${(took / 1000).toFixed(1)} s (${seen.downloads.length} downloads started); peak RSS of n8n execute ${(peak / 1024 / 1024).toFixed(0)} MiB`);
	}

	{
		const mark = emu.requests.length;
		emu.neverFinish(notFoundPrompt);
		emu.inject({ path: 'download', kind: 'trickle' });
		const execution = instance.execute('veoE2eBounded002');
		const trickle = await until('the trickling download', () => since(emu, mark).downloads.find((r) => r.fault === 'trickle'), 60000);
		const held = since(emu, mark).creates.find((r) => r.taskId && r.body.prompt === notFoundPrompt);
		emu.inject({ path: 'download', kind: 'status', status: 404, taskId: held.taskId });
		emu.finishTask(held.taskId);
		const result = await execution;
		assert.equal(emu.pendingFaults().length, 0, 'both faults were reached');
		assert.notEqual(result.code, 0, 'the node failed the workflow');
		const text = result.stdout + result.stderr;
		assert.match(text, new RegExp(`The video of task ${held.taskId} could not be downloaded: the video address answered "not found" \\(HTTP 404\\)`), text.slice(-3000));
		const notFound = since(emu, mark).downloads.find((r) => r.fault === 'status');
		assert.ok(trickle.closedAt !== undefined, 'the trickle was cut off');
		const cutAfter = trickle.closedAt - notFound.closedAt;
		assert.ok(cutAfter < 1000, `the trickle was cut ${cutAfter} ms after the 404 (Max Wait 60 s)`);
		const late = storedFiles(instance).filter(({ writtenAt }) => writtenAt > notFound.closedAt + 1000);
		assert.deepEqual(late, [], 'nothing written to the binary store after the node failed');
		log(`      a 404 beside a trickling host: the trickle was cut ${cutAfter} ms after the 404, nothing written after`);
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
			const { code, peak } = await executeMeasured(instance, workflowId, { N8N_DEFAULT_BINARY_DATA_MODE: mode });
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

module.exports = {
	name: 'hostile-hosts',
	about: 'stalled and endless video hosts are cut off; deadlines do not add up; Stop cuts transfers off; a forged callback changes nothing; memory per binary data mode',
	async run(ctx) {
		await ctx.check('hostile video hosts (n8n execute): a host that stalls is cut off at the download deadline, an endless one at Max Video Size; each fails only its item, once', async () => {
			await hostileHostChecks('execute', ctx);
		});
		await ctx.check('transfers bounded by the node (n8n execute): 9 stalled hosts end at one deadline, not in rounds; On Error: Stop cuts a trickling download off at the 404 beside it, nothing written after', async () => {
			await boundedTransferChecks(ctx);
		});
		await ctx.check(`binary data modes (n8n execute): in filesystem mode the peak memory does not follow the video's size${ctx.major < 2 ? '; the in-memory default mode holds the whole video' : ''}`, async () => {
			await binaryModeMemoryCheck(ctx.major, ctx);
		});
		await ctx.check('n8n start, a forged "succeeded" callback for a running task: the execution keeps waiting, nothing is fetched from the forger\'s host; the real result resumes it', async () => {
			await ctx.startServer();
			await hostileHostChecks('start', ctx);
		});
	},
};
