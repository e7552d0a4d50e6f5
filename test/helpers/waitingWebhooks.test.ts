import {
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { VeoEmulator } from '../emulator/VeoEmulator';
import { DOWNSTREAM_NAME, NODE_NAME, runNode, type RunNodeResult } from './runNode';
import { testNodeDescription } from './testNodeDescription';
import { WaitingWebhooks } from './waitingWebhooks';

/** The body a callback carries to the test node's webhook(). */
interface Callback {
	n?: number;
	done?: boolean;
	fail?: boolean;
	/** Slows webhook() down, to make calls overlap. */
	delayMs?: number;
	results?: IDataObject[];
	/** Text the webhook stores as binary data on the first result. */
	attach?: string;
}

/**
 * Puts its execution to wait and tells where to call back, as the Veo node's callback mode does;
 * its webhook() resumes the execution only with `done: true`, otherwise it answers 202 itself.
 */
class CallbackNode implements INodeType {
	description = testNodeDescription('callbackNode', {
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
		const callbackUrl = `${resumeUrl}/${this.getNode().id}`;
		// A callback that arrives before the node has paused.
		const early = this.getInputData()[0].json.callEarly ? await post(callbackUrl, { done: true }) : undefined;
		await this.putExecutionToWait(new Date(Date.now() + 60_000));
		return [this.getInputData().map((item, i) => ({ json: { ...item.json, callbackUrl, early }, pairedItem: { item: i } }))];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const body = this.getBodyData() as Callback;
		if (body.delayMs) await sleep(body.delayMs);
		if (body.fail) throw new NodeOperationError(this.getNode(), 'The callback is broken');
		if (body.done !== true) {
			this.getResponseObject().status(202).json({ received: body.n });
			return { noWebhookResponse: true };
		}
		const items: INodeExecutionData[] = (body.results ?? []).map((json, i) => ({ json, pairedItem: { item: i } }));
		if (body.attach) {
			items[0].binary = { data: await this.helpers.prepareBinaryData(Buffer.from(body.attach), 'note.txt', 'text/plain') };
		}
		return { workflowData: [items] };
	}
}

/** Records what reached it; slow enough for a call to arrive while the resumed execution runs. */
const downstreamInputs: IDataObject[][] = [];
class Downstream implements INodeType {
	description = testNodeDescription('downstreamNode');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		downstreamInputs.push(this.getInputData().map((item) => item.json));
		await sleep(300);
		return [this.getInputData().map((item, i) => ({ json: { ...item.json, seen: true }, pairedItem: { item: i } }))];
	}
}

/** Creates a Veo task with a callback to its resume URL; webhook() hands the callback body on. */
class EmulatorNode implements INodeType {
	description = testNodeDescription('emulatorNode', {
		webhooks: [
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '={{ $nodeId }}', restartWebhook: true, isFullPath: true },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
		const created = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${emulator.baseUrl}/veo/videos`,
			headers: { authorization: `Bearer ${emulator.token}` },
			body: { action: 'text2video', prompt: 'a cat', callback_url: `${resumeUrl}/${this.getNode().id}` },
			json: true,
		})) as IDataObject;
		await this.putExecutionToWait(new Date(Date.now() + 60_000));
		return [[{ json: created, pairedItem: { item: 0 } }]];
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return { workflowData: [[{ json: this.getBodyData(), pairedItem: { item: 0 } }]] };
	}
}

const emulator = new VeoEmulator({ pendingMs: 50, runningMs: 100 });
const n8n = new WaitingWebhooks();

beforeAll(async () => {
	await Promise.all([emulator.start(), n8n.start()]);
});
afterAll(async () => {
	await Promise.all([emulator.stop(), n8n.stop()]);
});
beforeEach(() => {
	downstreamInputs.length = 0;
	emulator.reset();
});

async function post(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
	const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await response.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {}
	return { status: response.status, body: parsed };
}

async function waiting(options: { items?: IDataObject[]; server?: WaitingWebhooks } = {}): Promise<RunNodeResult & { callbackUrl: string }> {
	const result = await runNode({
		nodeType: new CallbackNode(),
		parameters: {},
		items: (options.items ?? [{ prompt: 'a' }, { prompt: 'b' }]).map((json) => ({ json })),
		downstream: new Downstream(),
		waitingWebhooks: options.server ?? n8n,
	});
	expect(result.status).toBe('waiting');
	return { ...result, callbackUrl: result.items[0].json.callbackUrl as string };
}

test('a run that puts its execution to wait is reported waiting, with a resume URL on the server', async () => {
	const result = await waiting();
	expect(result.waitTill!.getTime()).toBeGreaterThan(Date.now() + 50_000);
	expect(result.error).toBeUndefined();
	// n8n 2.x signs the resume URL with the execution's resume token.
	expect(result.resumeUrl).toMatch(new RegExp(`^${n8n.baseUrl}/webhook-waiting/${result.executionId}\\?signature=\\w+$`));
	expect(n8n.status(result.executionId)).toBe('waiting');
	expect(result.runData[DOWNSTREAM_NAME]).toBeUndefined();

	const alone = await runNode({ nodeType: new CallbackNode(), parameters: {} });
	expect(alone.status).toBe('waiting');
	expect(alone.resumeUrl).toMatch(/^http:\/\/localhost:5678\/webhook-waiting\//);
});

test('a partial call leaves it waiting; the final call resumes it with the webhook data as the node output', async () => {
	const first = await waiting();
	const partial = await post(first.callbackUrl, { n: 1 });
	expect(partial).toEqual({ status: 202, body: { received: 1 } });
	expect(n8n.status(first.executionId)).toBe('waiting');

	const results = [{ video: 'one' }, { video: 'two' }];
	const final = await post(first.callbackUrl, { n: 2, done: true, results, attach: 'hello' });
	// n8n's onReceived answer when the webhook description sets no responseData.
	expect(final).toEqual({ status: 200, body: 'firstEntryJson' });

	const result = await n8n.finished(first.executionId);
	expect(result.status).toBe('success');
	expect(result.error).toBeUndefined();
	expect(result.items.map(({ json, pairedItem }) => ({ json, pairedItem }))).toEqual([
		{ json: { video: 'one' }, pairedItem: { item: 0 } },
		{ json: { video: 'two' }, pairedItem: { item: 1 } },
	]);
	expect((await result.readBinary(result.items[0])).toString()).toBe('hello');
	// The waiting run was replaced by the resumed one, and the next node ran on its output.
	expect(result.runData[NODE_NAME]).toHaveLength(1);
	expect(downstreamInputs).toEqual([[{ video: 'one' }, { video: 'two' }]]);
	expect(result.runData[DOWNSTREAM_NAME][0].data!.main[0]!.map((item) => item.json)).toEqual([
		{ video: 'one', seen: true },
		{ video: 'two', seen: true },
	]);
	expect(n8n.calls.slice(-2).map(({ status, response, body }) => ({ status, response, body }))).toEqual([
		{ status: 202, response: { received: 1 }, body: { n: 1 } },
		{ status: 200, response: 'firstEntryJson', body: { n: 2, done: true, results, attach: 'hello' } },
	]);
});

test('a call while the first run is still going gets 409; an execution that never waited, too', async () => {
	const first = await waiting({ items: [{ callEarly: true }] });
	expect(first.items[0].json.early).toEqual({
		status: 409,
		body: { code: 409, message: `The execution "${first.executionId}" is running already.` },
	});
	expect(n8n.status(first.executionId)).toBe('waiting');

	const done = await runNode({ nodeType: new Downstream(), parameters: {}, waitingWebhooks: n8n });
	expect(done.status).toBe('success');
	expect((await n8n.finished(done.executionId)).items).toEqual(done.items);
	expect(await post(done.resumeUrl, {})).toEqual({
		status: 409,
		body: { code: 409, message: `The execution "${done.executionId} has finished already.` },
	});
});

test('unknown executions get 404, wrong tokens 401, unknown suffixes 404', async () => {
	expect(await post(`${n8n.baseUrl}/webhook-waiting/nope/x`, {})).toEqual({
		status: 404,
		body: { code: 404, message: 'The execution "nope" does not exist.' },
	});
	const first = await waiting();
	const url = new URL(first.callbackUrl);
	url.searchParams.set('signature', 'wrong');
	expect(await post(url.href, { done: true })).toEqual({ status: 401, body: { error: 'Invalid token' } });
	expect(await post(first.callbackUrl.replace(/\/[^/]+$/, '/other-node'), { done: true })).toMatchObject({
		status: 404,
		body: { message: `The workflow for execution "${first.executionId}" does not contain a waiting webhook with a matching path/method.` },
	});
	expect(n8n.status(first.executionId)).toBe('waiting');
});

test('while the resumed execution runs, calls get 409, and after it finished too', async () => {
	const first = await waiting();
	expect((await post(first.callbackUrl, { done: true, results: [{ a: 1 }] })).status).toBe(200);
	expect(n8n.status(first.executionId)).toBe('running');
	expect(await post(first.callbackUrl, { done: true })).toEqual({
		status: 409,
		body: { code: 409, message: `The execution "${first.executionId}" is running already.` },
	});
	await n8n.finished(first.executionId);
	expect(await post(first.callbackUrl, { done: true })).toEqual({
		status: 409,
		body: { code: 409, message: `The execution "${first.executionId} has finished already.` },
	});
	expect(downstreamInputs).toHaveLength(1);
});

test('two final calls that overlap: the first to finish its webhook resumes, the other gets a 500', async () => {
	const first = await waiting();
	const answers = await Promise.all([
		post(first.callbackUrl, { done: true, delayMs: 100, results: [{ from: 'a' }] }),
		post(first.callbackUrl, { done: true, delayMs: 200, results: [{ from: 'b' }] }),
	]);
	expect(answers).toEqual([
		{ status: 200, body: 'firstEntryJson' },
		{ status: 500, body: { code: 0, message: 'There was a problem executing the workflow' } },
	]);
	const result = await n8n.finished(first.executionId);
	expect(result.items.map((item) => item.json)).toEqual([{ from: 'a' }]);
	expect(downstreamInputs).toEqual([[{ from: 'a' }]]);
});

test('when waitTill passes with no call, the node passes its input on', async () => {
	const first = await waiting({ items: [{ prompt: 'a' }] });
	await n8n.resumeTimedOut(first.executionId);
	const result = await n8n.finished(first.executionId);
	expect(result.status).toBe('success');
	expect(result.items).toEqual([{ json: { prompt: 'a' }, pairedItem: { item: 0 } }]);
	expect(result.runData[NODE_NAME]).toHaveLength(1);
	expect(downstreamInputs).toEqual([[{ prompt: 'a' }]]);
	expect((await post(first.callbackUrl, { done: true })).status).toBe(409);
	await expect(n8n.resumeTimedOut(first.executionId)).rejects.toThrow('can so not be started again');
});

test('a webhook that throws gets a 500 and resumes the execution in error', async () => {
	const first = await waiting();
	expect(await post(first.callbackUrl, { fail: true })).toEqual({
		status: 500,
		body: { code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' },
	});
	const result = await n8n.finished(first.executionId);
	expect(result.status).toBe('error');
	expect(result.error).toBeInstanceOf(NodeOperationError);
	expect(result.error?.message).toBe('The callback is broken');
	// As in n8n: the run data is replaced, and an empty item still goes through the disabled node and on.
	expect(result.items.map((item) => item.json)).toEqual([{}]);
	expect(downstreamInputs).toEqual([[{}]]);
	expect(await post(first.callbackUrl, { done: true })).toEqual({
		status: 409,
		body: { code: 409, message: `The execution "${first.executionId}" has finished with error.` },
	});
});

test('a body that is not JSON gets a 422 and leaves it waiting', async () => {
	const first = await waiting();
	const response = await fetch(first.callbackUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
	expect(response.status).toBe(422);
	expect(await response.json()).toMatchObject({ code: 422, message: 'Failed to parse request body' });
	expect(n8n.status(first.executionId)).toBe('waiting');
});

describe.each([2, 1] as const)('with n8n %i, the Veo emulator', (version) => {
	const server = version === 2 ? n8n : new WaitingWebhooks({ n8nVersion: 1 });
	beforeAll(async () => {
		await server.start();
	});
	afterAll(async () => {
		if (server !== n8n) await server.stop();
	});

	test('calls back to the resume URL and the execution resumes with the callback body', async () => {
		const first = await runNode({ nodeType: new EmulatorNode(), parameters: {}, waitingWebhooks: server });
		expect(first.status).toBe('waiting');
		// n8n 1.x has no resume token; the node id then lands in the path rather than the signature.
		expect(first.resumeUrl.includes('?signature=')).toBe(version === 2);
		const taskId = first.items[0].json.task_id as string;

		const result = await server.finished(first.executionId);
		expect(result.items[0].json).toMatchObject({ success: true, task_id: taskId });
		const [callback] = await emulator.waitForCallbacks(1);
		expect(callback).toMatchObject({ taskId, status: 200 });
		expect(server.calls.at(-1)).toMatchObject({ executionId: first.executionId, status: 200, response: 'firstEntryJson' });
	});
});
