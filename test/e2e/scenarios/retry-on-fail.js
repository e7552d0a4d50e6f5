'use strict';
/**
 * n8n's Retry On Fail (node Settings) runs the whole node again after it fails. Two items, the second
 * fails at the service, two tries: the retry waits for the tasks the first try created instead of
 * creating (and paying for) them again, and fails with the same error, naming both tasks. Inside Loop
 * Over Items, each iteration is a new run of the node and creates its own video, even for the same prompt.
 * The workflow is test/e2e/workflows/retry-on-fail.json.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { executeOk, since } = require('../checks');

const WORKFLOW = 'veoE2eRetryOnFail1';
const LOOP_WORKFLOW = 'veoE2eRetryLoop01';
const readWorkflow = (file) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'workflows', file), 'utf8'));

module.exports = {
	name: 'retry-on-fail',
	about: 'Retry On Fail: one create per item, the retry waits for the first try\'s tasks',
	workflows: () => [readWorkflow('retry-on-fail.json'), readWorkflow('retry-on-fail-loop.json')],
	async run(ctx) {
		const { instance, emu } = ctx;

		await ctx.check('Retry On Fail with 2 tries and a failing item: one create per item', async () => {
			const mark = emu.requests.length;
			const result = await instance.execute(WORKFLOW);
			const text = result.stdout + result.stderr;
			assert.equal(result.code, 1, `exit code\n${text.slice(-2000)}`);
			const seen = since(emu, mark);
			const prompts = seen.creates.map((request) => request.body.prompt);
			assert.deepEqual(prompts, ['A fine video of a lighthouse, retried', 'REJECT-ME: a rejected video, retried'], 'creates the emulator saw');
			const taskIds = seen.creates.map((request) => request.taskId);
			assert.ok(taskIds.every(Boolean), `both creates made a task: ${JSON.stringify(taskIds)}`);
			assert.match(text, new RegExp(`Veo task ${taskIds[1]} failed`), `the failed task in the output\n${text.slice(-2000)}`);
		});

		await ctx.check('Retry On Fail inside Loop Over Items: each iteration creates its own video, even for the same prompt', async () => {
			const mark = emu.requests.length;
			const result = await instance.execute(LOOP_WORKFLOW);
			const runJson = executeOk(result, LOOP_WORKFLOW);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 2, 'one create per loop iteration');
			const runs = runJson.data.resultData.runData.Veo;
			assert.equal(runs.length, 2, 'the Veo node ran once per iteration');
			const taskIds = runs.map((run) => run.data.main[0][0].json.taskId);
			assert.deepEqual(taskIds, seen.creates.map((request) => request.taskId), 'each iteration reports its own task');
		});
	},
};
