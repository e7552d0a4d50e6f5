/**
 * Runs ONE real node inside n8n's real execution engine (n8n-core `WorkflowExecute` + n8n-workflow
 * `Workflow`), without an n8n server: real expressions, real `httpRequestWithAuthentication` over real
 * HTTP, real `prepareBinaryData` (filesystem store in a temp folder), real cancel signal, real
 * continue-on-fail. Only the server-side services n8n would inject (credential store, error telemetry)
 * are replaced by small in-memory versions.
 *
 * A run that ends in `putExecutionToWait` is reported with `status: 'waiting'` and `waitTill`. Given a
 * `WaitingWebhooks` server (./waitingWebhooks.ts), the execution is kept there, to be resumed by a real
 * HTTP call to its `resumeUrl` or by `resumeTimedOut`, as n8n's waiting webhooks and WaitTracker do.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ErrorReporter,
	ExecutionLifecycleHooks,
	InstanceSettings,
	WorkflowExecute,
	getAdditionalKeys,
} from 'n8n-core';
import {
	ICredentialsHelper,
	LoggerProxy,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	deepCopy,
	type IAuthenticateGeneric,
	type LogMetadata,
	type IBinaryData,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ExecutionStatus,
	type IConnections,
	type ICredentials,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunData,
	type IRunExecutionData,
	type PostReceiveAction,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';
import type { WaitingWebhooks } from './waitingWebhooks';

type CredentialData = ICredentialDataDecryptedObject;
type Credentials = Record<string, { type: ICredentialType; data: CredentialData }>;

export interface RunNodeOptions {
	nodeType: INodeType | IVersionedNodeType;
	typeVersion?: number;
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credentials?: Credentials;
	continueOnFail?: boolean;
	/** The node's On Error setting as n8n stores it (wins over `continueOnFail`). */
	onError?: INode['onError'];
	/** The legacy flag of workflows saved before On Error existed (`node.continueOnFail`). */
	legacyContinueOnFail?: boolean;
	cancelAfterMs?: number;
	/** A node type connected to the node's main output 0 (named DOWNSTREAM_NAME), run with its defaults. */
	downstream?: INodeType;
	/** $execution.resumeUrl points at this server, and a run that ends waiting is kept there to be resumed. */
	waitingWebhooks?: WaitingWebhooks;
	/** Default: a new one. Reusing one stands for the same execution running the node again (in a loop). */
	executionId?: string;
	/** The node's Settings tab as n8n stores it: Retry On Fail, Max Tries, Wait Between Tries (ms). */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	/**
	 * Further runs of the node in the same execution, each with its own input (as a loop such as Loop
	 * Over Items feeds it): run indexes 1, 2, ... sharing the execution's node context.
	 */
	laterRuns?: INodeExecutionData[][];
}

export interface RunNodeResult {
	/** As n8n stores it: 'waiting' after putExecutionToWait, 'error' when the run data holds an error. */
	status: ExecutionStatus;
	executionId: string;
	/** What `$execution.resumeUrl` is in this execution. */
	resumeUrl: string;
	/** Set while waiting: when n8n's WaitTracker would resume the execution anyway. */
	waitTill?: Date;
	/** The node under test's output in its latest run ([] when it failed). */
	items: INodeExecutionData[];
	/** Every main output of that run: [regular] or, with On Error 'continueErrorOutput', [regular, error]. */
	outputs: INodeExecutionData[][];
	error?: Error;
	cancelled: boolean;
	durationMs: number;
	/** Every node's runs, as n8n stores them. */
	runData: IRunData;
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
}

/**
 * One execution as n8n keeps it between runs: the database row (status, finished, waitTill, data) and
 * what a run needs that n8n would load again (workflow definition, node types, credentials).
 */
export interface StoredExecution {
	id: string;
	mode: WorkflowExecuteMode;
	workflowData: IWorkflowBase;
	nodeTypes: INodeTypes;
	credentialsHelper: ICredentialsHelper;
	baseUrl: string;
	status: ExecutionStatus;
	finished: boolean;
	waitTill?: Date;
	data: IRunExecutionData;
}

export const NODE_NAME = 'Node Under Test';
export const DOWNSTREAM_NAME = 'Downstream';
/** The node type n8n's CredentialsTester runs a credential test as. */
const PROBE_TYPE = 'n8n-nodes-base.noOp';
const BASE_URL = 'http://localhost:5678';

/** In-memory credential store; applies `authenticate` the way n8n's CredentialsHelper does. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly credentials: Credentials) {
		super();
	}

	private type(name: string): ICredentialType {
		const entry = this.credentials[name];
		if (!entry) throw new Error(`runNode: no credentials of type "${name}" given`);
		return entry.type;
	}

	getParentTypes(name: string): string[] {
		return (this.credentials[name]?.type.extends ?? []).flatMap((p) => [p, ...this.getParentTypes(p)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: CredentialData,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;
		// As in n8n: each key and value of headers/qs/body/auth may be an expression over $credentials.
		const keys = { $credentials: credentials };
		const resolve = (value: unknown) =>
			typeof value === 'string' && value.startsWith('=') && workflow && node
				? String(workflow.expression.getSimpleParameterValue(node, value, 'internal', keys) ?? '')
				: String(value);
		const options = requestOptions as unknown as Record<string, IDataObject>;
		for (const [target, entries] of Object.entries((authenticate as IAuthenticateGeneric).properties)) {
			options[target] ??= {};
			for (const [key, value] of Object.entries(entries as IDataObject)) {
				options[target][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: CredentialData,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<CredentialData | undefined> {
		// As in n8n: only a type with an expirable hidden property fetches a token, when that one is
		// empty, expired (the request got a 401) or the credential is being tested.
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		const testing = node.type === PROBE_TYPE && node.parameters.temp === '';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !testing) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		await this.updateCredentials(null, typeName, { ...credentials, ...output } as CredentialData);
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(helpers: IHttpRequestHelper, credentials: CredentialData, typeName: string) {
		return (await this.type(typeName).preAuthentication?.call(helpers, credentials)) as CredentialData;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('runNode: encrypted credentials are not available in tests');
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string) {
		// n8n fills in the credential type's defaults before a node sees the data.
		const data = { ...this.credentials[type]?.data } as INodeParameters;
		const { properties } = this.type(type);
		return NodeHelpers.getNodeParameters(properties, data, true, false, null, null) as CredentialData;
	}

	async updateCredentials(_nodeCredentials: unknown, type: string, data: CredentialData) {
		this.credentials[type].data = data;
	}

	async updateCredentialsOauthTokenData(nodeCredentials: unknown, type: string, data: CredentialData) {
		await this.updateCredentials(nodeCredentials, type, data);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}
}

/** Node errors by execution id: the run data keeps only a plain copy, this keeps the thrown instance. */
const reportedErrors = new Map<string, Error[]>();
let tempRoot: string | undefined;
let services: Promise<BinaryDataService> | undefined;

/**
 * Services n8n-core takes from the DI container, set up once per test file (idempotent), all inside one
 * temp folder: InstanceSettings (every node context builds it; by default it writes ~/.n8n/config),
 * binary data in filesystem mode, a quiet ErrorReporter that records node errors instead of logging, and
 * the Logger of node contexts (`this.logger`), which n8n's own writes to the console: here it goes to
 * LoggerProxy, so a test prints nothing and a test file can read (and search) what the node logged.
 */
async function setUpServices(): Promise<BinaryDataService> {
	const toProxy = {
		error: (message: string, metadata?: LogMetadata) => LoggerProxy.error(message, metadata),
		warn: (message: string, metadata?: LogMetadata) => LoggerProxy.warn(message, metadata),
		info: (message: string, metadata?: LogMetadata) => LoggerProxy.info(message, metadata),
		debug: (message: string, metadata?: LogMetadata) => LoggerProxy.debug(message, metadata),
		scoped: () => toProxy,
	};
	Container.set(Logger, toProxy as unknown as Logger);
	const root = (tempRoot = mkdtempSync(join(tmpdir(), 'n8n-run-node-')));
	const silent = LoggerProxy as unknown as ConstructorParameters<typeof InstanceSettings>[1];
	const instanceConfig = {
		userHome: root,
		n8nFolder: join(root, '.n8n'),
		encryptionKey: 'run-node-test-key',
		enforceSettingsFilePermissions: false,
	} as ConstructorParameters<typeof InstanceSettings>[0];
	Container.set(InstanceSettings, new InstanceSettings(instanceConfig, silent));
	const errorReporter = {
		error(error: unknown, options?: { extra?: IDataObject }) {
			const executionId = options?.extra?.executionId as string | undefined;
			if (executionId && error instanceof Error) reportedErrors.get(executionId)?.push(error);
		},
		warn() {},
		info() {},
	} as unknown as ErrorReporter;
	Container.set(ErrorReporter, errorReporter);
	const binaryConfig = {
		mode: 'filesystem',
		availableModes: ['filesystem'],
		localStoragePath: join(root, 'binaryData'),
		signingSecret: 'run-node-test',
		dbMaxFileSize: 512,
	} as BinaryDataConfig;
	Container.set(BinaryDataConfig, binaryConfig);
	const binaryData = new BinaryDataService(binaryConfig, errorReporter, silent);
	await binaryData.init();
	Container.set(BinaryDataService, binaryData);
	return binaryData;
}

/** Every file in n8n's binary store of this test file, with when it was last written (Date.now() clock). */
export function binaryStoreFiles(): Array<{ path: string; writtenAt: number }> {
	if (!tempRoot) return [];
	const folder = join(tempRoot, 'binaryData');
	if (!existsSync(folder)) return [];
	return (readdirSync(folder, { recursive: true }) as string[])
		.map((name) => join(folder, name))
		.filter((path) => statSync(path).isFile())
		.map((path) => ({ path, writtenAt: statSync(path).mtimeMs }));
}

function cleanUp() {
	if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
	tempRoot = services = undefined;
}
// Jest gives each test file its own sandboxed `process` whose 'exit' never fires: clean up in afterAll.
if (typeof afterAll === 'function') afterAll(cleanUp);
else process.once('exit', cleanUp);

function defaultVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { defaultVersion: preferred, version } = nodeType.description;
	return preferred ?? (Array.isArray(version) ? Math.max(...version) : version);
}

/** A copy as n8n's database gives data back: no shared objects, dates as strings. */
/**
 * Puts bytes in n8n's binary store (filesystem mode), as an upstream node would in n8n 2.x: the
 * returned binary has an `id` and no inline data, so a node must read it through the store.
 */
export async function storeBinary(bytes: Buffer, fileName: string, mimeType: string): Promise<IBinaryData> {
	const binaryData = await (services ??= setUpServices());
	const location = { type: 'execution' as const, workflowId: 'upstream', executionId: randomUUID() };
	return await binaryData.store(location, bytes, { data: '', mimeType, fileName } as IBinaryData);
}

export function stored<T>(value: T): T {
	return JSON.parse(JSON.stringify(value)) as T;
}

/** A fresh Workflow from a copy of the stored definition, as n8n builds one for every run and webhook call. */
export function createWorkflow(execution: StoredExecution): Workflow {
	const { workflowData, nodeTypes } = execution;
	return new Workflow({ ...workflowData, nodes: stored(workflowData.nodes), nodeTypes });
}

/** What n8n's WorkflowExecuteAdditionalData.getBase() gives a run or a webhook call of this execution. */
export function baseAdditionalData(execution: StoredExecution): IWorkflowExecuteAdditionalData {
	const base = execution.baseUrl;
	// A plain object, as the engine and the node contexts read and write fields on it directly.
	return {
		credentialsHelper: execution.credentialsHelper,
		executionId: execution.id,
		currentNodeExecutionIndex: 0,
		variables: {},
		// $execution.resumeUrl and the like are built from these; only webhook-waiting has a server behind it.
		restApiUrl: `${base}/rest`, instanceBaseUrl: `${base}/`,
		webhookBaseUrl: `${base}/webhook`, webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`, formWaitingBaseUrl: `${base}/form-waiting`,
		formBaseUrl: `${base}/form`, formTestBaseUrl: `${base}/form-test`,
		mcpBaseUrl: `${base}/mcp`, mcpTestBaseUrl: `${base}/mcp-test`,
		executeWorkflow: async () => {
			throw new Error('runNode: sub-workflows are not supported');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** n8n's determineFinalExecutionStatus: an error left in the run data fails the execution. */
function finalStatus(run: IRun): ExecutionStatus {
	if (run.waitTill) return 'waiting';
	if (run.status === 'canceled' || run.status === 'crashed') return run.status;
	return run.status === 'error' || run.data.resultData.error ? 'error' : 'success';
}

export interface RunExecutionOptions {
	/** The workflow to run in; by default a fresh one from the stored definition. */
	workflow?: Workflow;
	cancelAfterMs?: number;
	/** An error thrown outside the engine (a webhook's) that the run data keeps only a copy of. */
	thrown?: Error;
}

/**
 * Runs n8n's engine on `data` (whatever is on its execution stack) and stores the outcome in
 * `execution` as n8n's lifecycle hooks save it.
 */
export async function runExecution(
	execution: StoredExecution,
	data: IRunExecutionData,
	options: RunExecutionOptions = {},
): Promise<RunNodeResult> {
	const binaryData = await (services ??= setUpServices());
	const { id: executionId, mode, workflowData } = execution;
	const workflow = options.workflow ?? createWorkflow(execution);
	const additionalData = baseAdditionalData(execution);
	additionalData.hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const resumeUrl = String(getAdditionalKeys(additionalData, mode, data).$execution?.resumeUrl);
	execution.status = 'running';
	reportedErrors.set(executionId, options.thrown ? [options.thrown] : []);
	const started = Date.now();
	let timer: NodeJS.Timeout | undefined;
	try {
		const engine = new WorkflowExecute(additionalData, mode, data);
		const processing = engine.processRunExecutionData(workflow);
		if (options.cancelAfterMs !== undefined) {
			timer = setTimeout(() => processing.cancel(), options.cancelAfterMs);
		}
		const run = await processing;
		const status = finalStatus(run);
		Object.assign(execution, { status, finished: run.finished === true, waitTill: run.waitTill, data: stored(run.data) });
		const task = run.data.resultData.runData[NODE_NAME]?.at(-1);
		const recorded = task?.error ?? run.data.resultData.error;
		// Prefer the instance the node threw (NodeApiError keeps httpCode, cause, ...).
		const thrown = reportedErrors.get(executionId)?.find((e) => e.message === recorded?.message);
		return {
			status,
			executionId,
			resumeUrl,
			waitTill: run.waitTill ?? undefined,
			// [] when the node failed; with continue-on-fail n8n passes the input on if the node threw.
			items: task?.data?.main?.[0] ?? [],
			outputs: (task?.data?.main ?? []).map((output) => output ?? []),
			error: recorded ? (thrown ?? Object.assign(new Error(recorded.message), recorded)) : undefined,
			cancelled: processing.isCanceled,
			durationMs: Date.now() - started,
			runData: run.data.resultData.runData,
			readBinary: async (item, property = 'data') => {
				const binary = item.binary?.[property];
				if (!binary) throw new Error(`runNode: item has no binary property "${property}"`);
				return await binaryData.getAsBuffer(binary);
			},
		};
	} finally {
		clearTimeout(timer);
		reportedErrors.delete(executionId);
	}
}

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const { nodeType, downstream, credentials = {}, waitingWebhooks: server } = options;
	const executionId = options.executionId ?? randomUUID();
	const node: INode = {
		id: randomUUID(),
		name: NODE_NAME,
		type: nodeType.description.name,
		typeVersion: options.typeVersion ?? defaultVersion(nodeType),
		position: [0, 0],
		parameters: deepCopy(options.parameters),
		credentials: Object.fromEntries(Object.keys(credentials).map((name) => [name, { id: name, name }])),
		// What the "On Error: Continue" setting stores; this.continueOnFail() reads it.
		...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		...(options.onError ? { onError: options.onError } : {}),
		...(options.legacyContinueOnFail ? { continueOnFail: true } : {}),
		...options.settings,
	};
	const nodes = [node];
	const types = new Map<string, INodeType | IVersionedNodeType>([[node.type, nodeType]]);
	if (downstream) {
		const { name } = downstream.description;
		types.set(name, downstream);
		nodes.push({ id: randomUUID(), name: DOWNSTREAM_NAME, type: name, typeVersion: defaultVersion(downstream), position: [200, 0], parameters: {} });
	}
	const nodeTypes: INodeTypes = {
		getByName: (name) => types.get(name)!,
		getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types.get(name)!, version),
		getKnownTypes: () => ({}),
	};
	const workflowData = {
		id: `wf-${executionId}`,
		name: 'runNode',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections: (downstream
			? { [NODE_NAME]: { main: [[{ node: DOWNSTREAM_NAME, type: 'main', index: 0 }]] } }
			: {}) as IConnections,
		settings: { executionOrder: 'v1' },
	} satisfies IWorkflowBase;
	// Fills in the parameters' defaults on `node`, which also goes on the execution stack, as in n8n.
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	// Start with the node under test on the execution stack and its input prefilled, as if a
	// previous node had produced `items`.
	const data = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [options.items ?? [{ json: {} }], ...(options.laterRuns ?? [])].map((items) => ({
				node,
				data: { main: [items] },
				source: null,
			})),
		},
	});
	const execution: StoredExecution = {
		id: executionId,
		mode: 'manual',
		workflowData,
		nodeTypes,
		// Copy the data only: a run may refresh tokens, and deepCopy would drop class methods of the type.
		credentialsHelper: new TestCredentialsHelper(
			Object.fromEntries(Object.entries(credentials).map(([name, c]) => [name, { ...c, data: deepCopy(c.data) }])),
		),
		baseUrl: server?.baseUrl ?? BASE_URL,
		status: 'running',
		finished: false,
		data,
	};
	// n8n 1.x has no resume token, so its $execution.resumeUrl carries no ?signature=.
	if (server?.n8nVersion === 1) delete data.resumeToken;
	const run = runExecution(execution, data, { workflow, cancelAfterMs: options.cancelAfterMs });
	// Known to the server from the start, as n8n's database row: a call during this run gets a 409.
	server?.track(execution, run);
	return await run;
}

/**
 * Tests a credential like n8n's CredentialsTester: a throw-away declarative node (typed as NoOp, one
 * property `temp` whose routing is `type.test.request`) run by the engine's RoutingNode, so $credentials
 * expressions, the credential's `authenticate` and n8n's HTTP client all apply. Non-2xx means not ok.
 */
export async function testCredential(
	type: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<{ ok: boolean; statusCode?: number; message?: string }> {
	if (!type.test) throw new Error(`runNode: credential type "${type.name}" has no test request`);
	const { request, rules = [] } = type.test;
	// Keep the status code and body, which the default output handling reduces to the body.
	const postReceive: PostReceiveAction = async (_items, { statusCode, body }) => [
		{ json: { statusCode, body: body as IDataObject } },
	];
	const probe: INodeType = {
		description: {
			displayName: 'Credential Test',
			name: PROBE_TYPE,
			group: ['transform'],
			version: 1,
			description: '',
			defaults: { name: 'Credential Test' },
			inputs: ['main'],
			outputs: ['main'],
			credentials: [{ name: type.name, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request, output: { postReceive: [postReceive] } },
				},
			],
		},
	};
	const credentials = { [type.name]: { type, data } };
	const result = await runNode({ nodeType: probe, parameters: {}, credentials });
	if (result.error) {
		// NodeApiError carries the HTTP status as a string; network errors carry a code such as ECONNREFUSED.
		const statusCode = Number((result.error as { httpCode?: string }).httpCode) || undefined;
		const rule = rules.find((r) => r.type === 'responseCode' && r.properties.value === statusCode);
		return { ok: false, statusCode, message: rule?.properties.message ?? result.error.message };
	}
	const { statusCode, body } = result.items[0].json as { statusCode: number; body: IDataObject };
	for (const rule of rules) {
		if (rule.type !== 'responseSuccessBody') continue;
		const { key, value, message } = rule.properties;
		const actual = key.split('.').reduce<unknown>((object, part) => (object as IDataObject)?.[part], body);
		if (actual === value) return { ok: false, statusCode, message };
	}
	return { ok: true, statusCode, message: 'Connection successful!' };
}
