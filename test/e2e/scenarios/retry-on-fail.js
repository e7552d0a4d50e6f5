'use strict';
/**
 * n8n's Retry On Fail (node Settings) runs the whole node again after it fails. Two items, the second
 * fails at the service, two tries: the retry waits for the tasks the first try created instead of
 * creating (and paying for) them again, and fails with the same error, naming both tasks. Inside Loop
 * Over Items, each iteration is a new run of the node and creates its own video, even for the same prompt.
 * A create whose answer is lost (a 504) and whose task shows up only after the first try's looks (30 s):
 * the retry looks for it again and adopts it, it does not send the create again. The workflows are
 * test/e2e/workflows/retry-on-fail*.json.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { executeOk, since } = require('../checks');

const WORKFLOW = 'veoE2eRetryOnFail1';
const LOOP_WORKFLOW = 'veoE2eRetryLoop01';
const LOST_WORKFLOW = 'veoE2eRetryLost01';
/** When the lost create's task appears: after the first try's last look (LOOK_AFTER_MS ends at 30 s). */
const LATE_TASK_MS = 35_000;
const readWorkflow = (file) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'workflows', file), 'utf8'));

module.exports = {
	name: 'retry-on-fail',
	about: 'Retry On Fail: one create per item, the retry waits for the first try\'s tasks',
	workflows: () => [readWorkflow('retry-on-fail.json'), readWorkflow('retry-on-fail-loop.json'), readWorkflow('retry-on-fail-lost.json')],
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

		await ctx.check('Retry On Fail after a lost create answer: the retry adopts the late task, one create in all', async () => {
			const mark = emu.requests.length;
			emu.inject({ path: '/veo/videos', kind: 'late-create', status: 504, delayMs: LATE_TASK_MS });
			const result = await instance.execute(LOST_WORKFLOW);
			const runJson = executeOk(result, LOST_WORKFLOW);
			const seen = since(emu, mark);
			assert.equal(seen.creates.length, 1, 'the create was sent once, by the first try');
			const task = emu.listTasks().find((t) => t.request.prompt === 'A lighthouse whose create answer is lost on the way back');
			assert.ok(task, 'the emulator created the task late');
			const output = runJson.data.resultData.runData.Veo.at(-1).data.main[0];
			// The first try's last look is at 30 s, before the task exists: only the retry can have found it.
			assert.deepEqual(output.map((item) => [item.json.taskId, item.json.state]), [[task.id, 'succeeded']], 'the retry output the late task');
		});
	},
};
