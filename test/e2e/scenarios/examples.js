'use strict';
/**
 * Examples 1 to 5 and 9 (those with a Manual Trigger and no other service), each run with `n8n execute
 * --id`, exactly as shipped in examples/: the output items, the stored mp4, and the requests the emulator
 * got (bodies, polls, token). Example 9 relies on the emulator's prompt triggers, as under npm start.
 */
const assert = require('node:assert/strict');
const { nodeItems } = require('../../../scripts/lib/n8n-rest');
const { EXAMPLE_IDS } = require('../fixtures');
const { executeOk, checkVideoBinary, checkSucceeded, since, checkBearer } = require('../checks');

module.exports = {
	name: 'examples',
	about: 'examples 1 to 5 and 9 run in n8n as shipped',
	async run(ctx) {
		const { instance, emu } = ctx;

		await ctx.check(`example 1: text to video, download the mp4`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.text), EXAMPLE_IDS.text);
			const items = nodeItems(runJson, 'Make a Video');
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

		await ctx.check(`example 2: image to video with first and last frame`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.image), EXAMPLE_IDS.image);
			const items = nodeItems(runJson, 'Animate the Flower');
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

		await ctx.check(`example 3: a batch of prompts, all waited for together`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.batch), EXAMPLE_IDS.batch);
			const items = nodeItems(runJson, 'One Video per Prompt');
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

		await ctx.check(`example 4: submit without waiting, Wait node, then Get Task`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.wait), EXAMPLE_IDS.wait);
			const [submitted] = nodeItems(runJson, 'Submit Video');
			assert.match(submitted.json.taskId, /^[0-9a-f-]{36}$/);
			assert.notEqual(submitted.json.state, 'succeeded');
			const got = nodeItems(runJson, 'Collect the Video');
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
			const waited = runData['Collect the Video'][0].startTime - runData['Submit Video'][0].startTime;
			assert.ok(waited >= 14000, `the Wait node waited ${waited} ms`);
			checkBearer(seen.all);
		});

		await ctx.check(`example 5: get the 1080p of a finished video`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.hd), EXAMPLE_IDS.hd);
			const [made] = nodeItems(runJson, 'Make a Video');
			const hd = nodeItems(runJson, 'Upscale to 1080p');
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

		await ctx.check(`example 9: a #reject prompt fails as the service fails it, on the error output, recorded by a Set node`, async () => {
			const mark = emu.requests.length;
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.failures), EXAMPLE_IDS.failures);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 2);
			const [good, rejected] = seen.creates;
			assert.match(rejected.body.prompt, /#reject/);
			const made = nodeItems(runJson, 'Videos Made');
			assert.equal(made.length, 1, 'one video made');
			checkSucceeded(emu, made[0].json, true);
			assert.equal(made[0].json.taskId, good.taskId);
			const veoRun = runJson.data.resultData.runData['Make the Videos'][0].data.main;
			assert.equal(veoRun[1].length, 1, 'one item on the error output');
			assert.equal(veoRun[1][0].json.error.code, 'CONTENT_REJECTED');
			const failures = nodeItems(runJson, 'Record the Failure');
			assert.equal(failures.length, 1);
			const { json } = failures[0];
			assert.deepEqual(Object.keys(json).sort(), ['code', 'failedAt', 'nextStep', 'prompt', 'reason', 'taskId']);
			assert.equal(json.prompt, rejected.body.prompt);
			assert.equal(json.taskId, rejected.taskId);
			assert.equal(json.code, 'CONTENT_REJECTED');
			assert.equal(json.reason, emu.getTask(rejected.taskId).record.response.error.message);
			assert.match(json.nextStep, /Rewrite the prompt/);
			assert.deepEqual(failures[0].pairedItem, { item: 0 });
			checkBearer(seen.all);
		});
	},
};
