'use strict';
/**
 * `npm start` as a newcomer runs it (scripts/start.js in a throw-away folder): the printed login works,
 * the credentials and examples are there, example 1 runs as the editor's Execute button runs it and gives
 * the playable sample mp4 (example 2, in 9:16, the portrait one), example 7 pauses until the emulator
 * calls back, and Ctrl-C stops everything.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../../../scripts/lib/util');
const { launchNpmStart } = require('../npmStart');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, waitForExecution, nodeItems, readBinary } = require('../../../scripts/lib/n8n-rest');
const { until } = require('../harness');
const { EXAMPLE_IDS, pauseExample } = require('../fixtures');

/**
 * Runs scripts/start.js as `npm start` does, uses it like the editor would (example 1), triggers example
 * 7 as its sticky note says (activated, then a POST to its webhook: the emulator calls back to the local
 * n8n), then presses Ctrl-C.
 */
async function checkNpmStart(major, install, work) {
	const run = await launchNpmStart({ major, install, home: path.join(work, 'start-home') });
	const { ui, port, fail } = run;
	let code;
	try {
		const output = run.output();
		assert.match(output, new RegExp(`http://127\\.0\\.0\\.1:${port}`), 'prints the URL');
		assert.match(output, /owner@example\.com {2}\/ {2}VeoLocal-2026/, 'prints the login');
		assert.match(output, /#reject fails \(content rejected\), #slow .*, #never never ends/, 'names the prompt triggers');
		await ui.ensureOwner({ email: 'owner@example.com', password: 'VeoLocal-2026' });

		const creds = await ui.rest('GET', '/rest/credentials');
		assert.equal(creds.status, 200);
		const credNames = creds.body.data.map((c) => c.name).sort();
		assert.deepEqual(credNames, ['Ace Data Cloud (real service)', 'Veo (local emulator)']);
		const wfs = await ui.rest('GET', '/rest/workflows');
		assert.equal(wfs.status, 200);
		const ids = wfs.body.data.map((w) => w.id);
		for (const id of Object.values(EXAMPLE_IDS)) assert.ok(ids.includes(id), `example ${id} imported`);
		// The editor lists workflows last updated first: a newcomer sees example 1 at the top.
		const listed = [...wfs.body.data].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt)).map((w) => w.id);
		assert.deepEqual(listed, Object.values(EXAMPLE_IDS), `the overview's order: ${JSON.stringify(wfs.body.data.map((w) => [w.id, w.updatedAt]))}`);

		// What the editor's "Execute workflow" button sends.
		const executeAsEditor = async (id) => {
			const wf = (await ui.rest('GET', `/rest/workflows/${id}`)).body.data;
			const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
			const started = await ui.rest('POST', `/rest/workflows/${wf.id}/run`, { workflowData: wf, triggerToStartFrom: { name: trigger.name } });
			assert.equal(started.status, 200, JSON.stringify(started.body));
			return await waitForExecution(ui, started.body.data.executionId, { intervalMs: 1000 });
		};
		const sample = (file) => fs.readFileSync(path.join(ROOT, 'scripts', 'assets', file));
		/** The video of a finished execution's Veo node, as the editor gets it: the playable sample mp4 of its shape. */
		const checkSampleVideo = async (execution, nodeName, clip = sample('sample-video.mp4')) => {
			assert.equal(execution.status, 'success', `execution ${execution.id}: ${JSON.stringify(execution.data?.resultData?.error ?? execution.status).slice(0, 600)}`);
			const [item] = nodeItems(execution, nodeName);
			assert.equal(item.json.state, 'succeeded');
			assert.equal(item.binary?.data?.mimeType, 'video/mp4', 'the execution holds a stored video');
			const bytes = await readBinary(ui, item.binary.data);
			assert.ok(bytes.equals(clip), `the editor gets the playable sample mp4 (${bytes.length} vs ${clip.length} bytes)`);
		};
		await checkSampleVideo(await executeAsEditor(EXAMPLE_IDS.text), 'Make a Video');
		// Example 2 asks for 9:16: the clip is the portrait one (360×640), not the landscape one.
		await checkSampleVideo(await executeAsEditor(EXAMPLE_IDS.image), 'Animate the Flower', sample('sample-video-portrait.mp4'));

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
		code = await run.stop('SIGINT');
	}
	if (code === 'timeout') throw fail('npm start did not stop within 40 s of Ctrl-C');
	const output = run.output();
	assert.equal(code, 0, `npm start exit code after Ctrl-C\n${output.slice(-1500)}`);
	assert.match(output, /stopped\./);
	const probe = await fetch(`http://127.0.0.1:${port}/healthz`).then(() => 'up', () => 'down');
	assert.equal(probe, 'down', 'n8n is gone after Ctrl-C');
}

module.exports = {
	name: 'npm-start',
	about: 'npm start: login, credentials, examples; example 1 as the editor runs it; example 7 paused and resumed; Ctrl-C',
	async run(ctx) {
		await ctx.check(`npm start: owner, credentials, examples; example 1 run as the editor runs it; example 7 paused until the emulator called back; Ctrl-C stops`, async () => {
			await ctx.instance.stop();
			await checkNpmStart(ctx.major, ctx.install, ctx.work);
		});
	},
};
