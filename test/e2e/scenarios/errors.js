'use strict';
/**
 * What a user sees when a video fails: a rejected prompt stops the workflow (exit 1, the reason in the
 * output); with On Error: Continue the failed item becomes an error item and the others go on.
 * The workflows are in test/e2e/workflows/.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { nodeItems } = require('../../../scripts/lib/n8n-rest');
const { executeOk, checkSucceeded, since } = require('../checks');

const readWorkflow = (file) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'workflows', file), 'utf8'));

module.exports = {
	name: 'errors',
	about: 'a rejected video stops the workflow; On Error: Continue gives an error item',
	workflows: () => [readWorkflow('error-stop.json'), readWorkflow('error-continue.json')],
	async run(ctx) {
		const { instance, emu } = ctx;

		await ctx.check(`a rejected video fails the workflow (exit 1, error reported)`, async () => {
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

		await ctx.check(`On Error: Continue keeps going with an error item`, async () => {
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
	},
};
