import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import {
	LoggerProxy,
	NodeApiError,
	NodeOperationError,
	VersionedNodeType,
	sleep,
	type ICredentialType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeBaseDescription,
} from 'n8n-workflow';
import { runNode, testCredential } from './runNode';
import { testNodeDescription } from './testNodeDescription';

/** Local stand-in for the API: records every request, answers 401 unless the token is "good-token". */
let server: Server;
let baseUrl: string;
const seen: Array<{ method?: string; url?: string; headers: IncomingHttpHeaders; body: unknown }> = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		let raw = '';
		req.on('data', (chunk) => (raw += chunk));
		req.on('end', () => {
			const body = raw ? JSON.parse(raw) : undefined;
			seen.push({ method: req.method, url: req.url, headers: req.headers, body });
			const authorized = req.headers.authorization === 'Bearer good-token';
			res.writeHead(authorized ? 200 : 401, { 'content-type': 'application/json' });
			res.end(JSON.stringify(authorized ? { echo: body, path: req.url } : { error: 'invalid token' }));
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => (seen.length = 0));

class TestApi implements ICredentialType {
	name = 'testApi';
	displayName = 'Test API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Token', name: 'apiToken', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:1' },
	];
	authenticate: ICredentialType['authenticate'] = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } },
	};
	test: ICredentialType['test'] = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/veo/tasks',
			method: 'POST',
			body: { action: 'retrieve_batch', ids: [] },
		},
	};
}

class HttpNode implements INodeType {
	description = testNodeDescription('httpNode', { credentials: [{ name: 'testApi', required: true }] });
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const { baseUrl: url } = await this.getCredentials<{ baseUrl: string }>('testApi');
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const body = { prompt: this.getNodeParameter('value', i) };
			const json = await this.helpers.httpRequestWithAuthentication.call(this, 'testApi', {
				method: 'POST',
				url: `${url}/veo/generate`,
				body,
				json: true,
			});
			out.push({ json, pairedItem: { item: i } });
		}
		return [out];
	}
}

class FailingNode implements INodeType {
	description = testNodeDescription('failingNode');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [
			this.getInputData().map((_item, i) => {
				const error = new NodeOperationError(this.getNode(), 'Prompt is empty', { itemIndex: i });
				if (!this.continueOnFail()) throw error;
				return { json: { error: error.message }, pairedItem: { item: i } };
			}),
		];
	}
}

class BinaryNode implements INodeType {
	description = testNodeDescription('binaryNode');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const stream = Readable.from([Buffer.from('fake '), Buffer.from('mp4 '), Buffer.from([0, 1, 2, 255])]);
		const data = await this.helpers.prepareBinaryData(stream, 'clip.mp4', 'video/mp4');
		return [[{ json: {}, binary: { data }, pairedItem: { item: 0 } }]];
	}
}

class SleepyNode implements INodeType {
	description = testNodeDescription('sleepyNode');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		await sleep(30_000, this.getExecutionCancelSignal());
		return [this.getInputData()];
	}
}

const credentials = () => ({ testApi: { type: new TestApi(), data: { apiToken: 'good-token', baseUrl } } });

test('httpRequestWithAuthentication goes out over real HTTP with the bearer header', async () => {
	const result = await runNode({ nodeType: new HttpNode(), parameters: { value: 'a cat' }, credentials: credentials() });
	expect(result.error).toBeUndefined();
	expect(seen).toHaveLength(1);
	expect(seen[0]).toMatchObject({ method: 'POST', url: '/veo/generate', body: { prompt: 'a cat' } });
	expect(seen[0].headers.authorization).toBe('Bearer good-token');
	expect(result.items.map((item) => item.json)).toEqual([{ echo: { prompt: 'a cat' }, path: '/veo/generate' }]);
});

test('expressions are resolved per item', async () => {
	const result = await runNode({
		nodeType: new HttpNode(),
		parameters: { value: '={{ $json.x }}!' },
		items: [{ json: { x: 'one' } }, { json: { x: 'two' } }],
		credentials: credentials(),
	});
	expect(seen.map((request) => request.body)).toEqual([{ prompt: 'one!' }, { prompt: 'two!' }]);
	expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
});

test('a NodeOperationError fails the node, or becomes an error item with continueOnFail', async () => {
	const failed = await runNode({ nodeType: new FailingNode(), parameters: {} });
	expect(failed.error).toBeInstanceOf(NodeOperationError);
	expect(failed.error?.message).toBe('Prompt is empty');
	expect((failed.error as NodeOperationError).context.itemIndex).toBe(0);
	expect(failed.items).toEqual([]);

	const continued = await runNode({ nodeType: new FailingNode(), parameters: {}, continueOnFail: true });
	expect(continued.error).toBeUndefined();
	expect(continued.items).toEqual([{ json: { error: 'Prompt is empty' }, pairedItem: { item: 0 } }]);
});

test('prepareBinaryData stores a stream and readBinary returns the same bytes', async () => {
	const result = await runNode({ nodeType: new BinaryNode(), parameters: {} });
	const binary = result.items[0].binary!.data;
	expect(binary).toMatchObject({ fileName: 'clip.mp4', mimeType: 'video/mp4', bytes: 13 });
	expect(binary.id).toBeDefined(); // stored in the filesystem, not inline
	const bytes = await result.readBinary(result.items[0]);
	expect(bytes.equals(Buffer.concat([Buffer.from('fake mp4 '), Buffer.from([0, 1, 2, 255])]))).toBe(true);
});

test('cancelling the execution aborts sleep() at once', async () => {
	const result = await runNode({ nodeType: new SleepyNode(), parameters: {}, cancelAfterMs: 300 });
	expect(result.cancelled).toBe(true);
	expect(result.error).toBeDefined(); // the abort, as the node saw it
	expect(result.items).toEqual([]);
	expect(result.durationMs).toBeGreaterThanOrEqual(290);
	expect(result.durationMs).toBeLessThan(3000);
});

test('testCredential sends the test request with the credential applied', async () => {
	const good = await testCredential(new TestApi(), { apiToken: 'good-token', baseUrl });
	expect(good).toMatchObject({ ok: true, statusCode: 200 });
	expect(seen[0]).toMatchObject({ method: 'POST', url: '/veo/tasks', body: { action: 'retrieve_batch', ids: [] } });
	expect(seen[0].headers.authorization).toBe('Bearer good-token');

	const bad = await testCredential(new TestApi(), { apiToken: 'wrong', baseUrl });
	expect(bad).toEqual({ ok: false, statusCode: 401, message: 'Authorization failed - please check your credentials' });
	expect(seen[1].headers.authorization).toBe('Bearer wrong');
});

class VersionOne implements INodeType {
	description = testNodeDescription('versioned', { version: 1 });
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: { version: 1, value: this.getNodeParameter('value', 0) } }]];
	}
}
class VersionTwo implements INodeType {
	description = testNodeDescription('versioned', { version: 2 });
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: { version: 2 } }]];
	}
}
class Versioned extends VersionedNodeType {
	constructor() {
		const base: INodeTypeBaseDescription = { displayName: 'Versioned', name: 'versioned', group: ['transform'], description: '' };
		super({ 1: new VersionOne(), 2: new VersionTwo() }, { ...base, defaultVersion: 2 });
	}
}

test('versioned nodes run their default version, or the one asked for, with parameter defaults', async () => {
	expect((await runNode({ nodeType: new Versioned(), parameters: {} })).items[0].json).toEqual({ version: 2 });
	const one = await runNode({ nodeType: new Versioned(), typeVersion: 1, parameters: {} });
	expect(one.items[0].json).toEqual({ version: 1, value: '' });
});

test('an HTTP error surfaces as the NodeApiError instance', async () => {
	const wrong = { testApi: { type: new TestApi(), data: { apiToken: 'wrong', baseUrl } } };
	const result = await runNode({ nodeType: new HttpNode(), parameters: { value: 'x' }, credentials: wrong });
	expect(result.error).toBeInstanceOf(NodeApiError);
	expect((result.error as NodeApiError).httpCode).toBe('401');
	expect(result.items).toEqual([]);
});

/** Logs through its context's logger, as the Veo node does when a paused execution ends with no output. */
class LoggingNode implements INodeType {
	description = testNodeDescription('loggingNode');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		this.logger.error('the run ends here', { node: this.getNode().name });
		this.logger.warn('a warning');
		return [this.getInputData()];
	}
}

test("a node's log lines go to n8n's LoggerProxy (where a test file captures them), never to the console", async () => {
	const lines: string[] = [];
	const capture = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
	LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') });
	const printed = [jest.spyOn(process.stdout, 'write'), jest.spyOn(process.stderr, 'write'), jest.spyOn(console, 'log'), jest.spyOn(console, 'error')];
	try {
		await runNode({ nodeType: new LoggingNode(), parameters: {} });
		expect(lines).toEqual(expect.arrayContaining(['error: the run ends here', 'warn: a warning']));
		for (const spy of printed) expect(spy.mock.calls.filter(([text]) => /the run ends here|a warning/.test(String(text)))).toEqual([]);
	} finally {
		for (const spy of printed) spy.mockRestore();
	}
});

/**
 * The node's Settings (Retry On Fail) and further runs in one execution reach n8n's real engine: what
 * the node sees is what WorkflowExecute gives it, tries and loop runs alike.
 */
describe('runNode: Retry On Fail and later runs, as n8n runs them', () => {
	/** Records each call's run index and the node context it saw, and fails its first call of every run. */
	class Flaky implements INodeType {
		description = testNodeDescription('flakyNode');
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const context = this.getContext('node') as { calls?: Array<[number, string]> };
			const runIndex = Number(this.getWorkflowDataProxy(0).$runIndex);
			const input = String(this.getInputData()[0].json.name);
			context.calls = [...(context.calls ?? []), [runIndex, input]];
			if (context.calls.filter(([run]) => run === runIndex).length === 1) throw new NodeOperationError(this.getNode(), 'first try fails');
			return [[{ json: { calls: context.calls }, pairedItem: { item: 0 } }]];
		}
	}

	it('every try of a run has the same run index and node context; a later run has the next index', async () => {
		const result = await runNode({
			nodeType: new Flaky(),
			parameters: {},
			items: [{ json: { name: 'first' } }],
			laterRuns: [[{ json: { name: 'second' } }]],
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.calls).toEqual([[0, 'first'], [0, 'first'], [1, 'second'], [1, 'second']]);
	});

	it('without Retry On Fail the first failure ends the execution', async () => {
		const result = await runNode({ nodeType: new Flaky(), parameters: {}, items: [{ json: { name: 'first' } }] });
		expect(result.error?.message).toBe('first try fails');
	});
});
