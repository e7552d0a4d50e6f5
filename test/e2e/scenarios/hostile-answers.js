'use strict';
/**
 * The Veo API's own answers, hostile (issue 18, point 1), in real `n8n execute`: a 200 whose JSON never
 * ends and queries that trickle a byte a second. Details: docs/hostile-hosts.md.
 */
const assert = require('node:assert/strict');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { log } = require('../../../scripts/lib/util');
const { postJson, nodeItems } = require('../../../scripts/lib/n8n-rest');
const { NODE_TYPE, veoNode, mainTo } = require('../harness');
const { TOKEN, CRED_ID, CRED_NAME } = require('../fixtures');
const { executeOk } = require('../checks');
const { executeMeasured } = require('../measure');


/**
 * The service's own answers, hostile (issue 18, point 1), in real `n8n execute`: a task query whose
 * 200 JSON never ends is cut at 1 MiB (Get Task fails saying so, and n8n's peak memory stays that of a
 * normal run: the issue measured 3.1 GB before), and queries that trickle a byte a second end a
 * waiting item at its Max Wait (5 s), not after the trickle.
 */
async function hostileAnswerChecks({ instance, emu, work }) {
	const MiB = 1024 * 1024;
	const dir = path.join(work, 'hostile-answers');
	fs.mkdirSync(dir, { recursive: true });
	const created = await postJson(`${emu.baseUrl}/veo/videos`, { action: 'text2video', model: 'veo3', prompt: 'a task to look up', async: true }, { headers: { authorization: `Bearer ${TOKEN}` } });
	const taskId = created.body.task_id;
	const getTask = { id: 'veoE2eAnswers001', node: { id: randomUUID(), name: 'Get Task', type: NODE_TYPE, typeVersion: 2, position: [300, 0], credentials: { aceDataCloudApi: { id: CRED_ID, name: CRED_NAME } }, parameters: { operation: 'getTask', taskIds: taskId }, onError: 'continueRegularOutput' } };
	const waiting = veoNode({ id: randomUUID(), credential: { id: CRED_ID, name: CRED_NAME }, prompt: 'an answer that trickles', waitMode: 'poll', options: { maxWait: 5, pollInterval: 1 }, position: [300, 0] });
	waiting.onError = 'continueRegularOutput';
	const poll = { id: 'veoE2eAnswers002', node: waiting };
	for (const { id, node } of [getTask, poll]) {
		fs.writeFileSync(
			path.join(dir, `${id}.json`),
			JSON.stringify({
				id,
				name: `e2e: hostile answers (${node.name})`,
				active: false,
				settings: { executionOrder: 'v1' },
				nodes: [{ id: randomUUID(), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }, node],
				connections: { Start: { main: [[mainTo(node.name)]] } },
			}),
		);
	}
	await instance.importWorkflows(dir);
	const mb = (bytes) => `${(bytes / MiB).toFixed(0)} MiB`;

	const normal = await executeMeasured(instance, getTask.id, {}, { keepOutput: true });
	const [record] = nodeItems(executeOk(normal, getTask.id), 'Get Task');
	assert.equal(record.json.taskId, taskId, JSON.stringify(record.json));

	emu.inject({ path: '/veo/tasks', kind: 'endless', count: 3 });
	const endless = await executeMeasured(instance, getTask.id, {}, { keepOutput: true, killAfterMs: 120000 });
	const unused = emu.pendingFaults();
	emu.clearFaults();
	assert.deepEqual(unused, [], 'the endless answers were reached');
	const [cut] = nodeItems(executeOk(endless, getTask.id), 'Get Task');
	assert.match(cut.json.error, /^Ace Data Cloud's answer was larger than 1\.0 MiB/, JSON.stringify(cut.json));
	assert.ok(endless.peak - normal.peak < 128 * MiB, `peak RSS ${mb(endless.peak)} with endless answers, ${mb(normal.peak)} without`);
	log(`      Get Task, a query answer that never ends: cut at 1 MiB (3 tries) in ${(endless.took / 1000).toFixed(1)} s; n8n's peak RSS ${mb(endless.peak)} (a normal Get Task: ${mb(normal.peak)})`);

	emu.neverFinish('an answer that trickles');
	emu.inject({ path: '/veo/tasks', kind: 'trickle', count: 30 });
	const trickle = await executeMeasured(instance, poll.id, {}, { keepOutput: true, killAfterMs: 120000 });
	emu.clearFaults();
	const [item] = nodeItems(executeOk(trickle, poll.id), waiting.name);
	assert.match(item.json.error ?? '', /did not finish within 5 seconds of being accepted/, JSON.stringify(item.json));
	// n8n execute boots in 10 to 25 s on a busy machine; a trickled answer (about 1 KB) would take 15 minutes.
	assert.ok(trickle.took < normal.took + 20000, `took ${trickle.took} ms (a normal Get Task: ${normal.took} ms)`);
	log(`      a waiting item whose queries trickle: ended at its Max Wait, n8n execute took ${(trickle.took / 1000).toFixed(1)} s (a normal Get Task: ${(normal.took / 1000).toFixed(1)} s)`);
}

module.exports = {
	name: 'hostile-answers',
	about: "the Veo API's answers are bounded: one that never ends is cut at its size, trickling ones at their deadline",
	async run(ctx) {
		await ctx.check("hostile API answers (n8n execute): a query answer that never ends is cut at 1 MiB and n8n's peak memory stays that of a normal run; trickling queries end a waiting item at its Max Wait", async () => {
			await hostileAnswerChecks(ctx);
		});
	},
};
