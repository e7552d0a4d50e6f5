'use strict';
/**
 * REST calls on a running n8n (an N8nInstance after ensureOwner(), or a queue cluster's `main`) that the
 * e2e tests share, checked against n8n 1.123.81 and 2.41.1:
 *
 *   await activateWorkflow(instance, workflowId)           activate, and on 2.x wait until it is published
 *   await postWebhook(instance, 'my-path', { prompt })     POST a production webhook, retrying while it is 404
 *   await triggerWebhook(instance, 'my-path', { prompt })  postWebhook() to a trigger answering on receipt
 *   await postJson(url, body)                              POST JSON anywhere (a resume address, say)
 *   await listExecutions(instance, { workflowId })         GET /rest/executions, newest first
 *   isFinished(execution)                                  whether its status is final (FINISHED_STATUSES)
 *   await readExecution(instance, executionId)             one execution, `data` parsed (n8n's flatted)
 *   await waitForExecution(instance, executionId)          polls until it is finished, then readExecution()
 *   nodeItems(execution, 'Veo')                            the output items of a node's last run (also of
 *                                                          the run `n8n execute --rawOutput` prints)
 *   await readBinary(instance, item.binary.data)           the stored bytes, through GET /rest/binary-data
 *
 * They throw (an AssertionError, or an Error naming the call) with the status and the start of the
 * answer when n8n does not answer as expected.
 */
const assert = require('node:assert/strict');
const path = require('node:path');
const { jsonOrText, sleep } = require('./util');

/** Statuses after which an execution does not change any more. */
const FINISHED_STATUSES = ['success', 'error', 'crashed', 'canceled'];
const isFinished = (execution) => FINISHED_STATUSES.includes(execution?.status);

const short = (body, n = 400) => (typeof body === 'string' ? body : JSON.stringify(body) ?? '').slice(0, n);
const majorOf = (instance) => instance.install?.profile?.major ?? 2;

/**
 * Activates (publishes) a workflow as the editor does: `POST /rest/workflows/:id/activate` with its
 * current versionId (1.123 and 2.41). 1.x registers the triggers before it answers. 2.x registers them
 * afterwards, through its publication outbox (workflows/workflow.service.js _publishViaOutbox), so a
 * webhook answers 404 for a moment: this waits until `GET /rest/workflows/:id/publication-status` says
 * `published`, that version live, nothing pending and every trigger `activated` (it fails at once on
 * `failed` or `partial`). Returns { versionId, publication (2.x) }.
 */
async function activateWorkflow(instance, workflowId, { timeoutMs = 45000 } = {}) {
	const wf = await instance.rest('GET', `/rest/workflows/${workflowId}`);
	assert.equal(wf.status, 200, `GET /rest/workflows/${workflowId}: ${wf.status} ${short(wf.body, 300)}`);
	const { versionId } = wf.body.data;
	const res = await instance.rest('POST', `/rest/workflows/${workflowId}/activate`, { versionId });
	assert.equal(res.status, 200, `POST /rest/workflows/${workflowId}/activate: ${res.status} ${short(res.body, 500)}`);
	assert.equal(res.body.data.active, true, `${workflowId} is active after activation`);
	if (majorOf(instance) < 2) return { versionId };
	const publication = await waitUntilPublished(instance, workflowId, versionId, { timeoutMs });
	return { versionId, publication };
}

/** 2.x: polls `GET /rest/workflows/:id/publication-status` until `versionId` is live. */
async function waitUntilPublished(instance, workflowId, versionId, { timeoutMs = 45000 } = {}) {
	const deadline = Date.now() + timeoutMs;
	let last;
	for (;;) {
		const res = await instance.rest('GET', `/rest/workflows/${workflowId}/publication-status`);
		assert.equal(res.status, 200, `GET /rest/workflows/${workflowId}/publication-status: ${res.status} ${short(res.body, 300)}`);
		last = res.body.data;
		assert.ok(!['failed', 'partial'].includes(last.status), `publication of ${workflowId}: ${JSON.stringify(last)}`);
		const live =
			last.status === 'published' &&
			(versionId === undefined || last.liveVersionId === versionId) &&
			!last.pendingVersionId &&
			last.triggers.every((t) => t.status === 'activated');
		if (live) return last;
		if (Date.now() > deadline) {
			throw new Error(`workflow ${workflowId} version ${versionId} was not published within ${timeoutMs / 1000} s: ${JSON.stringify(last)}`);
		}
		await sleep(250);
	}
}

/**
 * POSTs JSON the way a caller (or Ace Data Cloud, calling back) does, without n8n's cookie.
 * Returns { status, body (parsed when JSON), text }.
 */
async function postJson(url, body, { headers = {} } = {}) {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(60000),
	});
	const text = await res.text();
	return { status: res.status, body: jsonOrText(text), text };
}

/**
 * POSTs JSON to a production webhook, `<baseUrl>/webhook/<path>`. A 404 (the webhook is not registered
 * yet) is retried every 500 ms for `timeoutMs`. Returns { status, body (parsed when JSON), text, attempts }.
 */
async function postWebhook(instance, hookPath, body, { timeoutMs = 15000, headers = {} } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (let attempts = 1; ; attempts++) {
		const res = await postJson(`${instance.baseUrl}/webhook/${hookPath}`, body, { headers });
		if (res.status !== 404 || Date.now() > deadline) return { ...res, attempts };
		await sleep(500);
	}
}

/**
 * Starts a workflow through its Webhook trigger set to answer on receipt (responseMode onReceived), as a
 * caller does: postWebhook(), then asserts n8n's answer `200 {message: 'Workflow was started'}`.
 */
async function triggerWebhook(instance, hookPath, body) {
	const res = await postWebhook(instance, hookPath, body);
	assert.equal(res.status, 200, `POST /webhook/${hookPath}: ${res.status} ${short(res.text, 300)}`);
	assert.deepEqual(res.body, { message: 'Workflow was started' }, `POST /webhook/${hookPath}: the Webhook trigger answers on receipt`);
	return res;
}

/** Every execution status n8n has (n8n-workflow's ExecutionStatusList, the same in 1.123 and 2.41). */
const EXECUTION_STATUSES = ['canceled', 'crashed', 'error', 'new', 'running', 'success', 'unknown', 'waiting'];

/**
 * `GET /rest/executions` (same shape in 1.123 and 2.41: { data: { count, results } }), newest first, the
 * running and queued ones included. `workflowId` and `status` (one or a list) filter; without a status,
 * all. Each result: { id, workflowId, status, mode, startedAt, stoppedAt, waitTill, … } without run data.
 *
 * It always names the statuses: without a status filter n8n answers from two queries, the new and running
 * executions and the others (1.123 findLatestCurrentAndCompleted, 2.41 findCurrentAndCompleted), so an
 * execution that goes from running to waiting between them is in neither; with one, from one query.
 */
async function listExecutions(instance, { workflowId, status = EXECUTION_STATUSES, limit = 100 } = {}) {
	const filter = { status: Array.isArray(status) ? status : [status] };
	if (workflowId !== undefined) filter.workflowId = workflowId;
	const res = await instance.rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify(filter))}&limit=${limit}`);
	assert.equal(res.status, 200, `GET /rest/executions: ${res.status} ${short(res.body, 300)}`);
	const results = res.body?.data?.results;
	assert.ok(Array.isArray(results), `unexpected /rest/executions answer: ${short(res.body, 300)}`);
	return results;
}

const flattedOf = new Map();
/** n8n's own `flatted` (it sends an execution's data flattened with it). */
function flatted(instance) {
	const dir = instance.install.dir;
	if (!flattedOf.has(dir)) flattedOf.set(dir, require(path.join(dir, 'node_modules', 'flatted')));
	return flattedOf.get(dir);
}

/** One execution with its run data: `GET /rest/executions/:id`, `data` parsed. */
async function readExecution(instance, executionId) {
	const res = await instance.rest('GET', `/rest/executions/${executionId}`);
	assert.equal(res.status, 200, `GET /rest/executions/${executionId}: ${res.status} ${short(res.body, 300)}`);
	const execution = res.body.data;
	const data = typeof execution.data === 'string' ? flatted(instance).parse(execution.data) : execution.data;
	return { ...execution, data };
}

/** Polls `GET /rest/executions/:id` until its status is final (see FINISHED_STATUSES); returns readExecution(). */
async function waitForExecution(instance, executionId, { timeoutMs = 90000, intervalMs = 500 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await readExecution(instance, executionId);
		if (isFinished(execution)) return execution;
		if (Date.now() > deadline) {
			throw new Error(`execution ${executionId} did not finish within ${timeoutMs / 1000} s (status ${execution.status})`);
		}
		await sleep(intervalMs);
	}
}

/**
 * The output items (main output 0) of a node's last run in an execution from readExecution(), or in the
 * run that `n8n execute --rawOutput` prints (the same { data: { resultData: { runData } } }, no id).
 */
function nodeItems(execution, nodeName) {
	const runData = execution?.data?.resultData?.runData;
	const where = execution?.id === undefined ? 'the run' : `execution ${execution.id}`;
	assert.ok(runData, `${where} has no run data: ${short(execution, 500)}`);
	const runs = runData[nodeName];
	assert.ok(runs?.length, `node '${nodeName}' did not run in ${where}; ran: ${Object.keys(runData).join(', ')}`);
	const last = runs[runs.length - 1];
	assert.ok(!last.error, `node '${nodeName}' failed in ${where}: ${last.error?.message}`);
	return last.data.main[0];
}

/**
 * The bytes n8n stored for a binary property, read back through `GET /rest/binary-data` (as the editor
 * does), whichever process stored them and whatever the binary data mode. n8n must serve them as the
 * binary's MIME type (what the editor's viewer goes by).
 */
async function readBinary(instance, binary) {
	assert.ok(binary?.id, `the binary has no stored id: ${short(binary, 300)}`);
	const mimeType = binary.mimeType || 'application/octet-stream';
	const url = `${instance.baseUrl}/rest/binary-data?id=${encodeURIComponent(binary.id)}&action=view&mimeType=${encodeURIComponent(mimeType)}`;
	const res = await fetch(url, { headers: { cookie: instance.cookie, 'browser-id': instance.browserId }, signal: AbortSignal.timeout(60000) });
	assert.equal(res.status, 200, `GET /rest/binary-data for ${binary.id}: ${res.status}`);
	assert.ok((res.headers.get('content-type') || '').startsWith(mimeType), `served as ${res.headers.get('content-type')}, not ${mimeType}`);
	return Buffer.from(await res.arrayBuffer());
}

module.exports = {
	FINISHED_STATUSES,
	isFinished,
	activateWorkflow,
	waitUntilPublished,
	postJson,
	postWebhook,
	triggerWebhook,
	listExecutions,
	readExecution,
	waitForExecution,
	nodeItems,
	readBinary,
};
