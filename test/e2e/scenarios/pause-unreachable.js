'use strict';
/**
 * Pause mode cannot work when the service cannot call n8n back: a copy of example 7 whose credential
 * has the real service's Base URL, in an n8n whose WEBHOOK_URL is localhost, must fail at once with the
 * node's own message, before submitting anything (no paid video whose callback could never arrive).
 */
const assert = require('node:assert/strict');
const { isFinished, activateWorkflow, triggerWebhook, listExecutions, readExecution } = require('../../../scripts/lib/n8n-rest');
const { until, escapeRe } = require('../harness');
const { pauseExample } = require('../fixtures');

const CB = {
	remoteCredId: 'veoRemoteAcedata',
	remoteCredName: 'Ace Data Cloud (remote, never called)',
	remoteWfId: 'veoE2eCallback02',
	remotePath: 'veo-callback-e2e-remote',
};

/** Example 7 with the real service's credential, its own id, name and webhook. */
function remotePauseWorkflow() {
	const { workflow, webhook, veo } = pauseExample();
	const credential = { id: CB.remoteCredId, name: CB.remoteCredName };
	const copy = (node) => {
		if (node === webhook) return { ...node, webhookId: 'c0000000-0000-4000-8000-0000000000a2', parameters: { ...node.parameters, path: CB.remotePath } };
		if (node === veo) return { ...node, credentials: { aceDataCloudApi: credential } };
		return node;
	};
	return { ...workflow, id: CB.remoteWfId, name: 'e2e: example 7 with the real-service Base URL, localhost n8n', nodes: workflow.nodes.map(copy) };
}

module.exports = {
	name: 'pause-unreachable',
	about: "n8n start, pause mode with the real service's Base URL and a localhost n8n: fails before submitting",
	credentials: () => [
		{
			id: CB.remoteCredId,
			name: CB.remoteCredName,
			type: 'aceDataCloudApi',
			data: { apiToken: 'e2e-remote-token-never-sent', baseUrl: 'https://api.acedata.cloud' },
		},
	],
	workflows: () => [remotePauseWorkflow()],
	async run(ctx) {
		const { instance, emu, cbEmu } = ctx;

		await ctx.check(`n8n start, callback mode with the real service's Base URL and a localhost WEBHOOK_URL (example 7's copy): fails before submitting`, async () => {
			await ctx.startServer();
			const { veo, next } = pauseExample();
			await activateWorkflow(instance, CB.remoteWfId);
			const marks = [emu.requests.length, cbEmu.requests.length];
			await triggerWebhook(instance, CB.remotePath, { prompt: 'A video that is never submitted' });
			const [listed] = await until('the execution to end', async () => {
				const execs = await listExecutions(instance, { workflowId: CB.remoteWfId });
				return execs.length && isFinished(execs[0]) ? execs : undefined;
			});
			assert.equal(listed.status, 'error', JSON.stringify(listed));
			const execution = await readExecution(instance, listed.id);
			const run = execution.data.resultData.runData[veo.name]?.[0];
			assert.ok(run?.error, `the Veo node failed: ${JSON.stringify(execution.data.resultData).slice(0, 600)}`);
			assert.match(run.error.message, new RegExp(`^Ace Data Cloud cannot call back to ${escapeRe(instance.baseUrl)}: that address only works on this machine`));
			assert.match(run.error.description, /WEBHOOK_URL/);
			assert.match(run.error.description, /Nothing was submitted/);
			// The node's own check, not a failed request: n8n has no internet here.
			assert.doesNotMatch(JSON.stringify(run.error), /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo|timeout/i);
			assert.equal(execution.data.resultData.error?.message, run.error.message);
			assert.equal(execution.data.resultData.runData[next], undefined, 'nothing ran after the Veo node');
			const took = Date.parse(execution.stoppedAt) - Date.parse(execution.startedAt);
			assert.ok(took < 10000, `failed at once (${took} ms)`);
			assert.deepEqual([emu.requests.length, cbEmu.requests.length], marks, 'no request reached an emulator');
		});
	},
};
