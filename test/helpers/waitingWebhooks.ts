/**
 * n8n's waiting-webhook endpoint, imitated small but faithfully, as a real HTTP server on 127.0.0.1, so
 * that a service (the Veo emulator) can POST its callbacks to `$execution.resumeUrl` of a node that put
 * its execution to wait. It follows n8n's WaitingWebhooks, WebhookHelpers.executeWebhook and
 * WebhookService.runWebhook (2.41.1, or 1.123.81 with `n8nVersion: 1`), runs the node's `webhook()`
 * through n8n-core's real WebhookContext, and resumes the execution in n8n's real engine; `resumeTimedOut`
 * is WaitTracker resuming it when `waitTill` has passed.
 *
 *   const n8n = new WaitingWebhooks();
 *   await n8n.start();
 *   const first = await runNode({ nodeType, parameters, waitingWebhooks: n8n });   // status 'waiting'
 *   // ... the service POSTs to first.resumeUrl + '/' + nodeId ...
 *   const final = await n8n.finished(first.executionId);                           // a RunNodeResult
 *   n8n.calls;                                                                     // requests and answers
 *
 * Not imitated: response modes other than onReceived, responseHeaders, XML and multipart bodies, CORS,
 * forms and send-and-wait, sub-workflows. n8n 1.x resumes a second time when two calls that both
 * return workflowData overlap; here, as in 2.x, only the first resumes and the second gets a 500.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import { WebhookContext } from 'n8n-core';
import {
	NodeHelpers,
	WAIT_INDEFINITELY,
	isNodeClassInstance,
	type CloseFunction,
	type ExecutionStatus,
	type IDataObject,
	type IHttpRequestMethods,
	type INode,
	type IRunExecutionData,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type IWebhookDescription,
	type Workflow,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	baseAdditionalData,
	createWorkflow,
	runExecution,
	stored,
	type RunNodeResult,
	type StoredExecution,
} from './runNode';

export interface WaitingWebhooksOptions {
	/** Which n8n to imitate (default 2): 1.x has no resume token and answers before it resumes. */
	n8nVersion?: 1 | 2;
}

export interface WebhookCall {
	executionId: string;
	suffix?: string;
	method: string;
	url: string;
	headers: IncomingHttpHeaders;
	/** As n8n parsed it (JSON, form, text); otherwise the raw text. */
	body: unknown;
	/** The answer; no status when the connection closed unanswered. */
	status?: number;
	response: unknown;
}

type Request = IncomingMessage & {
	body?: unknown;
	rawBody: Buffer;
	query: IDataObject;
	params: IDataObject;
	path: string;
	originalUrl: string;
};
/** The part of express's response a node uses through getResponseObject(). */
type Response = ServerResponse & {
	status(code: number): Response;
	json(body: unknown): Response;
	send(body: unknown): Response;
	set(name: string, value: string): Response;
	header(name: string, value: string): Response;
};
type Answer = { noWebhookResponse: true } | { data: unknown; responseCode: number };

interface Tracked {
	execution: StoredExecution;
	/** The latest run's result. */
	result?: RunNodeResult;
	failure?: Error;
}

/** n8n's ResponseError: answered with its status as `{ code, message, hint }`. */
class ResponseError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly hint?: string,
	) {
		super(message);
	}
}

const ROUTE = /^\/webhook-waiting\/([^/]+)(?:\/([^/]+))?\/?$/;
const TERMINAL = new Set<ExecutionStatus>(['success', 'error', 'canceled', 'crashed']);
const POLL_MS = 5;

export class WaitingWebhooks {
	/** Every request, in the order it was answered (or closed). */
	readonly calls: WebhookCall[] = [];
	readonly n8nVersion: 1 | 2;

	private readonly executions = new Map<string, Tracked>();
	private readonly runs = new Set<Promise<void>>();
	private readonly sockets = new Set<Socket>();
	private server?: Server;
	private url?: string;

	constructor(options: WaitingWebhooksOptions = {}) {
		this.n8nVersion = options.n8nVersion ?? 2;
	}

	async start(): Promise<string> {
		if (this.server) return this.baseUrl;
		// A request that breaks off while its body is read gets no answer, as in express.
		const server = createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		this.server = server;
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return this.url;
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		const closed = new Promise((resolve) => server.close(resolve));
		// Keep-alive sockets and unanswered calls would keep jest waiting.
		for (const socket of this.sockets) socket.destroy();
		await closed;
		await Promise.allSettled([...this.runs]);
	}

	/** n8n's instance URL; its waiting webhooks live under `/webhook-waiting`. */
	get baseUrl(): string {
		if (!this.url) throw new Error('WaitingWebhooks is not started');
		return this.url;
	}

	/** Keeps an execution from its first run on (runNode calls this, as n8n saves it to its database). */
	track(execution: StoredExecution, firstRun: Promise<RunNodeResult>): void {
		const tracked: Tracked = { execution };
		this.executions.set(execution.id, tracked);
		firstRun.then(
			(result) => void (tracked.result = result),
			(error: Error) => void (tracked.failure = error),
		);
	}

	status(executionId: string): ExecutionStatus | undefined {
		return this.executions.get(executionId)?.execution.status;
	}

	/** Resolves with the latest run's result once the execution has ended (it may wait more than once). */
	async finished(executionId: string, timeoutMs = 10_000): Promise<RunNodeResult> {
		const tracked = this.tracked(executionId);
		const deadline = Date.now() + timeoutMs;
		while (!(tracked.result && TERMINAL.has(tracked.result.status))) {
			if (tracked.failure) throw tracked.failure;
			if (Date.now() >= deadline) {
				const { status } = tracked.execution;
				throw new Error(`execution ${executionId} did not finish in ${timeoutMs} ms: it is ${status}`);
			}
			await sleep(POLL_MS);
		}
		return tracked.result;
	}

	/** Resolves once `count` calls have been answered (or closed). */
	async waitForCalls(count: number, timeoutMs = 5000): Promise<WebhookCall[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.calls.length < count) {
			if (Date.now() >= deadline) throw new Error(`waited ${timeoutMs} ms for ${count} webhook calls, got ${this.calls.length}`);
			await sleep(POLL_MS);
		}
		return [...this.calls];
	}

	/**
	 * What WaitTracker does when `waitTill` has passed (here: now, whatever the clock says). The engine
	 * then disables the waiting node, drops its waiting run and passes its input on.
	 */
	async resumeTimedOut(executionId: string): Promise<void> {
		const tracked = this.tracked(executionId);
		const { execution } = tracked;
		if (execution.finished) throw new Error('The execution did succeed and can so not be started again.');
		if (execution.status === 'waiting' && new Date(execution.waitTill ?? 0).getTime() >= WAIT_INDEFINITELY.getTime()) {
			throw new Error('n8n never resumes an execution that waits indefinitely');
		}
		// The stored data still has waitTill set: that is how the engine knows it resumes a timed-out wait.
		const data = stored(execution.data);
		this.claim(execution, data);
		this.resume(tracked, data);
	}

	private tracked(executionId: string): Tracked {
		const tracked = this.executions.get(executionId);
		if (!tracked) throw new Error(`Execution "${executionId}" does not exist.`);
		return tracked;
	}

	/** ActiveExecutions.add: only an execution still waiting is taken, and it is 'running' from here on. */
	private claim(execution: StoredExecution, data: IRunExecutionData): void {
		if (execution.status !== 'waiting') throw new Error('Execution is already being resumed by another process');
		Object.assign(execution, { status: 'running', waitTill: undefined, data: stored(data) });
	}

	private resume(tracked: Tracked, data: IRunExecutionData, thrown?: Error): void {
		const run = runExecution(tracked.execution, data, { thrown }).then(
			(result) => void (tracked.result = result),
			(error: Error) => {
				tracked.execution.status = 'crashed';
				tracked.failure = error;
			},
		);
		this.runs.add(run);
		void run.finally(() => this.runs.delete(run));
	}

	// ----- HTTP -----

	private async handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
		const req = await expressRequest(incoming);
		const { res, answered } = expressResponse(outgoing);
		const match = ROUTE.exec(req.path);
		const call: WebhookCall = {
			executionId: match ? decodeURIComponent(match[1]) : '',
			suffix: match?.[2] && decodeURIComponent(match[2]),
			method: req.method ?? 'GET',
			url: req.originalUrl,
			headers: req.headers,
			body: undefined,
			response: undefined,
		};
		outgoing.on('close', () => {
			call.body = req.body ?? (req.rawBody.length ? req.rawBody.toString('utf8') : undefined);
			call.status = outgoing.writableFinished ? outgoing.statusCode : undefined;
			call.response = decode(answered());
			this.calls.push(call);
		});
		try {
			if (!match) throw new ResponseError(`Cannot ${call.method} ${req.path}`, 404);
			const answer = await this.executeWebhook(req, res, call.executionId, call.suffix);
			if (!('noWebhookResponse' in answer)) send(res, answer.responseCode, answer.data);
		} catch (error) {
			sendError(res, error as Error);
		}
	}

	/** WaitingWebhooks.executeWebhook and getWebhookExecutionData. */
	private async executeWebhook(req: Request, res: Response, executionId: string, pathSuffix?: string): Promise<Answer> {
		let suffix = pathSuffix;
		const tracked = this.executions.get(executionId);
		// As read from n8n's database: a copy, changed freely below and saved only if the call resumes it.
		const execution = tracked && { ...tracked.execution, data: stored(tracked.execution.data) };
		if (execution?.data.resumeToken) {
			// 2.x: `?signature=<token>`; a node that appends `/<suffix>` to the resume URL lands in it.
			const signature = new URL(req.originalUrl, 'http://localhost').searchParams.get('signature') ?? '';
			const [token, ...path] = signature.split('/');
			if (token !== execution.data.resumeToken) {
				res.status(401).json({ error: 'Invalid token' });
				return { noWebhookResponse: true };
			}
			if (!suffix && path.length) suffix = path.join('/');
		}
		if (!tracked || !execution) throw new ResponseError(`The execution "${executionId}" does not exist.`, 404);
		if (execution.status === 'running') throw new ResponseError(`The execution "${executionId}" is running already.`, 409);
		if (execution.data.resultData.error) {
			throw new ResponseError(`The execution "${executionId}" has finished with error.`, 409);
		}
		if (execution.finished) throw new ResponseError(`The execution "${executionId} has finished already.`, 409);

		const { data } = execution;
		const lastNodeExecuted = data.resultData.lastNodeExecuted ?? '';
		data.executionData!.nodeExecutionStack[0].node.disabled = true;
		data.waitTill = undefined;
		// The waiting run is dropped; the resumed run takes its place.
		data.resultData.runData[lastNodeExecuted]?.pop();
		const workflow = createWorkflow(execution);
		const node = workflow.getNode(lastNodeExecuted);
		if (!node) throw new ResponseError('Could not find node to process webhook.', 404);
		const additionalData = baseAdditionalData(execution);
		const webhookData = nodeWebhooks(workflow, node, additionalData).find(
			(webhook) =>
				webhook.httpMethod === req.method &&
				webhook.path === (suffix ?? '') &&
				webhook.webhookDescription.restartWebhook === true &&
				webhook.webhookDescription.nodeType !== 'form',
		);
		if (!webhookData) {
			const message = `The workflow for execution "${executionId}" does not contain a waiting webhook with a matching path/method.`;
			throw new ResponseError(message, 404);
		}
		return await this.runWebhook({ tracked, workflow, node, webhookData, data, req, res });
	}

	/** WebhookHelpers.executeWebhook, for a waiting execution and the onReceived response mode. */
	private async runWebhook(call: {
		tracked: Tracked;
		workflow: Workflow;
		node: INode;
		webhookData: IWebhookData;
		data: IRunExecutionData;
		req: Request;
		res: Response;
	}): Promise<Answer> {
		const { tracked, workflow, node, webhookData, data, req, res } = call;
		const { mode, workflowData } = tracked.execution;
		const description = webhookData.webhookDescription;
		const additionalKeys = { $executionId: tracked.execution.id };
		const simple = (value: IWebhookDescription[string], fallback: string | number) =>
			workflow.expression.getSimpleParameterValue(node, value, mode, additionalKeys, undefined, fallback);
		const responseMode = simple(description.responseMode, 'onReceived');
		const responseCode = Number(simple(description.responseCode, 200));
		const responseData = workflow.expression.getComplexParameterValue(node, description.responseData, mode, additionalKeys, undefined, 'firstEntryJson');
		if (responseMode !== 'onReceived') throw new Error(`waitingWebhooks: response mode "${String(responseMode)}" is not imitated`);

		const additionalData = webhookData.workflowExecuteAdditionalData;
		additionalData.httpRequest = req as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
		additionalData.httpResponse = res as unknown as IWorkflowExecuteAdditionalData['httpResponse'];
		parseBody(req);
		let didSendResponse = false;
		let thrown: Error | undefined;
		let result: IWebhookResponseData;
		try {
			result = await runNodeWebhook(workflow, node, webhookData, mode, data);
		} catch (error) {
			// n8n answers 500 at once, then still resumes the execution, failed, with an empty item.
			thrown = error as Error;
			sendError(res, new Error('Workflow Webhook Error: Workflow could not be started!'));
			didSendResponse = true;
			const { message, stack } = thrown;
			Object.assign(data, { resultData: { runData: {}, lastNodeExecuted: node.name, error: { ...thrown, message, stack } } });
			result = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
		}
		if (result.noWebhookResponse === true) didSendResponse = true;
		if (result.workflowData === undefined) {
			if (didSendResponse) return { noWebhookResponse: true };
			const answer = result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Webhook call received' };
			return { data: answer, responseCode };
		}

		const { workflowData: items } = result;
		const answerReceived = () => {
			if (didSendResponse) return;
			didSendResponse = true;
			// extractWebhookOnReceivedResponse: a description without responseData answers 'firstEntryJson'.
			if (responseData === 'noData') return send(res, responseCode, undefined);
			if (responseData) return send(res, responseCode, responseData);
			send(res, responseCode, result.webhookResponse !== undefined ? result.webhookResponse : { message: 'Workflow was started' });
		};
		if (this.n8nVersion === 1) answerReceived();
		// prepareExecutionData: the webhook's data becomes the waiting node's input, which it passes on.
		const entry = data.executionData!.nodeExecutionStack[0];
		entry.data.main = items;
		if (this.n8nVersion === 2) entry.metadata = { ...entry.metadata, forwardAllOutputs: true };
		if (mode === 'manual') data.resultData.pinData = workflowData.pinData;
		try {
			this.claim(tracked.execution, data);
		} catch {
			if (didSendResponse) return { noWebhookResponse: true };
			throw new Error('There was a problem executing the workflow');
		}
		this.resume(tracked, data, thrown);
		answerReceived();
		return { noWebhookResponse: true };
	}
}

/** WebhookService.getNodeWebhooks: the node's webhooks with their evaluated method and path. */
function nodeWebhooks(workflow: Workflow, node: INode, additionalData: IWorkflowExecuteAdditionalData): IWebhookData[] {
	if (node.disabled === true) return [];
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	return (nodeType.description.webhooks ?? []).flatMap((webhookDescription) => {
		const evaluate = (property: string, fallback?: string | boolean) =>
			workflow.expression.getSimpleParameterValue(node, webhookDescription[property], 'internal', {}, undefined, fallback);
		const rawPath = evaluate('path');
		if (rawPath === undefined || rawPath === null) return [];
		const trimmed = String(rawPath).trim().replace(/^\//, '').replace(/\/$/, '');
		const isFullPath = evaluate('isFullPath', false) as boolean;
		const restartWebhook = evaluate('restartWebhook', false) as boolean;
		const path = NodeHelpers.getNodeWebhookPath(workflow.id, node, trimmed, isFullPath, restartWebhook);
		return String(evaluate('httpMethod', 'GET'))
			.split(',')
			.filter(Boolean)
			.map((method) => ({
				httpMethod: method.trim() as IHttpRequestMethods,
				node: node.name,
				path,
				webhookDescription,
				workflowId: workflow.id,
				workflowExecuteAdditionalData: additionalData,
			}));
	});
}

/** WebhookService.runWebhook: the node's webhook() in a real WebhookContext over the stored execution. */
async function runNodeWebhook(
	workflow: Workflow,
	node: INode,
	webhookData: IWebhookData,
	mode: WorkflowExecuteMode,
	data: IRunExecutionData,
): Promise<IWebhookResponseData> {
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (nodeType.webhook === undefined) throw new Error('Node does not have any webhooks defined');
	const closeFunctions: CloseFunction[] = [];
	const { workflowExecuteAdditionalData: additionalData } = webhookData;
	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, closeFunctions, data);
	try {
		return isNodeClassInstance(nodeType) ? await nodeType.webhook!(context) : await nodeType.webhook.call(context);
	} finally {
		await Promise.allSettled(closeFunctions.map(async (close) => await close()));
	}
}

async function expressRequest(incoming: IncomingMessage): Promise<Request> {
	const chunks: Buffer[] = [];
	for await (const chunk of incoming) chunks.push(chunk as Buffer);
	const url = new URL(incoming.url ?? '/', 'http://localhost');
	// What sanitizeWebhookRequest leaves: no route params.
	return Object.assign(incoming, {
		rawBody: Buffer.concat(chunks),
		query: parseQuery(url.search.slice(1)) as IDataObject,
		params: {},
		path: url.pathname,
		originalUrl: incoming.url ?? '/',
	});
}

/** n8n's parseBody: JSON, urlencoded and plain text by content type; a broken body is a 422. */
function parseBody(req: Request): void {
	if (!req.rawBody.length) return;
	const [type = '', ...parameters] = (req.headers['content-type'] ?? '').split(';');
	const contentType = type.trim().toLowerCase();
	const charset = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='))?.slice(8);
	const text = req.rawBody.toString(charset === 'latin1' || charset === 'iso-8859-1' ? 'latin1' : 'utf8').replace(/^\uFEFF/, '');
	try {
		if (contentType === 'application/json') req.body = JSON.parse(text);
		else if (contentType === 'application/x-www-form-urlencoded') req.body = parseQuery(text);
		else if (contentType === 'text/plain') req.body = text;
	} catch (error) {
		throw new ResponseError('Failed to parse request body', 422, (error as Error).message);
	}
}

/** Adds express's status/json/send/set to the response and records every byte sent. */
function expressResponse(outgoing: ServerResponse): { res: Response; answered: () => Buffer } {
	const chunks: Buffer[] = [];
	const keep = (chunk: unknown) => {
		if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
	};
	const write = outgoing.write.bind(outgoing) as (...args: unknown[]) => boolean;
	const end = outgoing.end.bind(outgoing) as (...args: unknown[]) => ServerResponse;
	outgoing.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk), write(chunk, ...rest))) as typeof outgoing.write;
	outgoing.end = ((chunk?: unknown, ...rest: unknown[]) => (keep(chunk), end(chunk, ...rest))) as typeof outgoing.end;
	const res = outgoing as Response;
	res.status = (code) => ((outgoing.statusCode = code), res);
	res.set = res.header = (name, value) => (outgoing.setHeader(name, value), res);
	res.json = (body) => {
		if (!outgoing.hasHeader('content-type')) outgoing.setHeader('content-type', 'application/json; charset=utf-8');
		outgoing.end(body === undefined ? '' : JSON.stringify(body));
		return res;
	};
	res.send = (body) => {
		if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return res.json(body);
		if (typeof body === 'string' && !outgoing.hasHeader('content-type')) outgoing.setHeader('content-type', 'text/html; charset=utf-8');
		outgoing.end(body === undefined ? undefined : Buffer.isBuffer(body) ? body : String(body));
		return res;
	};
	return { res, answered: () => Buffer.concat(chunks) };
}

/** The webhook request handler's response: strings as they are, anything else as JSON. */
function send(res: Response, status: number, body: unknown): void {
	res.status(status);
	if (typeof body === 'string') res.send(body);
	else res.json(body);
}

/** ResponseHelper.sendErrorResponse. */
function sendError(res: Response, error: Error): void {
	// A node that answered and then threw: n8n's own answer can no longer be sent.
	if (res.headersSent) return void res.end();
	if (error instanceof ResponseError) {
		const { status, message, hint } = error;
		send(res, status, { code: status, message, ...(hint ? { hint } : {}) });
	} else {
		send(res, 500, { code: 0, message: error.message });
	}
}

function decode(body: Buffer): unknown {
	if (!body.length) return undefined;
	const text = body.toString('utf8');
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
