'use strict';
/**
 * Example 8 as shipped: an image made binary on the item (Set + Convert to File) goes to Image to
 * Video through its binary field. The node uploads it to the files endpoint's emulator with the
 * platform token (and only there), then creates the video with the uploaded URL, which the output
 * shows as imageUrls. In n8n 2.x the binary is in the filesystem store (streamed head, metadata);
 * in 1.x it is in memory: both paths of the node run.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../../../scripts/lib/util');
const { nodeItems } = require('../../../scripts/lib/n8n-rest');
const { CRED_ID, CRED_NAME, EXAMPLE_IDS, PLATFORM_TOKEN, TOKEN } = require('../fixtures');
const { executeOk, checkVideoBinary, checkSucceeded, since, checkBearer } = require('../checks');

const example = () => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', '08-image-to-video-from-binary.json'), 'utf8'));

module.exports = {
	name: 'binary-image',
	about: 'example 8: image to video from a binary image, uploaded with the platform token, then created',
	async run(ctx) {
		const { instance, emu, platform } = ctx;

		await ctx.check('example 8: the binary image is checked, uploaded once, and its URL sent to Veo', async () => {
			const mark = emu.requests.length;
			platform.reset();
			const runJson = executeOk(await instance.execute(EXAMPLE_IDS.binary), EXAMPLE_IDS.binary);
			const items = nodeItems(runJson, 'Animate the Binary Image');
			assert.equal(items.length, 1);
			const { json } = items[0];
			checkSucceeded(emu, json, true);
			checkVideoBinary(instance, emu, items[0], json.taskId);

			const image = Buffer.from(example().nodes.find((n) => n.type === 'n8n-nodes-base.set').parameters.assignments.assignments[0].value, 'base64');
			const uploads = platform.uploads();
			assert.equal(uploads.length, 1, 'one upload');
			assert.equal(platform.uploadAttempts().length, 1, 'no other upload attempt');
			assert.deepEqual(
				{ fileName: uploads[0].fileName, mimeType: uploads[0].mimeType, size: uploads[0].size },
				{ fileName: 'flower.png', mimeType: 'image/png', size: image.length },
			);
			assert.equal(uploads[0].sha256, require('node:crypto').createHash('sha256').update(image).digest('hex'), 'the bytes uploaded are the image');
			assert.deepEqual(json.imageUrls, [uploads[0].fileUrl]);

			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1);
			assert.deepEqual(seen.creates[0].body, {
				action: 'image2video',
				model: 'veo31-fast',
				prompt: 'The flower slowly opens as the morning light grows',
				image_urls: [uploads[0].fileUrl],
				aspect_ratio: '16:9',
				async: true,
			});
			checkBearer(seen.all);
			// Each token went only to its own host.
			assert.deepEqual(platform.requests.map((r) => r.headers.authorization), [`Bearer ${PLATFORM_TOKEN}`]);
			assert.ok(seen.all.every((r) => r.headers.authorization === undefined || r.headers.authorization === `Bearer ${TOKEN}`));
			assert.ok(!JSON.stringify(runJson).includes(PLATFORM_TOKEN), 'the platform token is not in the run data');
		});

		await ctx.check("credential test with a platform token set: the API token (only) reaches the Veo API, nothing the platform", async () => {
			await ctx.startServer();
			const mark = emu.requests.length;
			platform.reset();
			const data = { apiToken: TOKEN, baseUrl: ctx.baseUrl, platformToken: PLATFORM_TOKEN, platformBaseUrl: platform.baseUrl };
			const answer = await instance.rest('POST', '/rest/credentials/test', { credentials: { id: CRED_ID, name: CRED_NAME, type: 'aceDataCloudApi', data } });
			assert.equal(answer.status, 200, JSON.stringify(answer.body));
			assert.equal(answer.body.data.status, 'OK', JSON.stringify(answer.body));
			const seen = since(emu, mark).queries;
			assert.equal(seen.length, 1);
			assert.equal(seen[0].headers.authorization, `Bearer ${TOKEN}`);
			assert.deepEqual(platform.requests, []);
		});
	},
};
