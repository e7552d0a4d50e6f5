/**
 * Runs ONE real node inside n8n's real execution engine (n8n-core `WorkflowExecute` + n8n-workflow
 * `Workflow`), without an n8n server: real expressions, real `httpRequestWithAuthentication` over real
 * HTTP, real `prepareBinaryData` (filesystem store in a temp folder), real cancel signal, real
 * continue-on-fail. Only the server-side services n8n would inject (credential store, error telemetry)
 * are replaced by small in-memory versions.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	ErrorReporter,
	ExecutionLifecycleHooks,
	InstanceSettings,
	WorkflowExecute,
} from 'n8n-core';
import {
	ICredentialsHelper,
	LoggerProxy,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	deepCopy,
	type IAuthenticateGeneric,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
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
	type PostReceiveAction,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

type CredentialData = ICredentialDataDecryptedObject;
type Credentials = Record<string, { type: ICredentialType; data: CredentialData }>;

export interface RunNodeOptions {
	nodeType: INodeType | IVersionedNodeType;
	typeVersion?: number;
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	credentials?: Credentials;
	continueOnFail?: boolean;
	cancelAfterMs?: number;
}

export interface RunNodeResult {
	items: INodeExecutionData[];
	error?: Error;
	cancelled: boolean;
	durationMs: number;
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
}

const NODE_NAME = 'Node Under Test';
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
 * binary data in filesystem mode, and a quiet ErrorReporter that records node errors instead of logging.
 */
async function setUpServices(): Promise<BinaryDataService> {
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

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const binaryData = await (services ??= setUpServices());
	const { nodeType, credentials = {} } = options;
	const executionId = randomUUID();
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
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: (_name, version) => NodeHelpers.getVersionedNodeType(nodeType, version),
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
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
	} satisfies IWorkflowBase;
	const workflow = new Workflow({ ...workflowData, nodeTypes });

	// A plain object, as the engine and the node contexts read and write fields on it directly.
	const additionalData = {
		// Copy the data only: a run may refresh tokens, and deepCopy would drop class methods of the type.
		credentialsHelper: new TestCredentialsHelper(
			Object.fromEntries(Object.entries(credentials).map(([name, c]) => [name, { ...c, data: deepCopy(c.data) }])),
		),
		hooks: new ExecutionLifecycleHooks('manual', executionId, workflowData),
		executionId,
		currentNodeExecutionIndex: 0,
		variables: {},
		// Only used to build $execution.resumeUrl and the like (must be valid URLs); nothing listens there.
		restApiUrl: `${BASE_URL}/rest`, instanceBaseUrl: `${BASE_URL}/`,
		webhookBaseUrl: `${BASE_URL}/webhook`, webhookTestBaseUrl: `${BASE_URL}/webhook-test`,
		webhookWaitingBaseUrl: `${BASE_URL}/webhook-waiting`, formWaitingBaseUrl: `${BASE_URL}/form-waiting`,
		formBaseUrl: `${BASE_URL}/form`, formTestBaseUrl: `${BASE_URL}/form-test`,
		mcpBaseUrl: `${BASE_URL}/mcp`, mcpTestBaseUrl: `${BASE_URL}/mcp-test`,
		executeWorkflow: async () => {
			throw new Error('runNode: sub-workflows are not supported');
		},
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;

	// Start with the node under test on the execution stack and its input prefilled, as if a
	// previous node had produced `items`.
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{ node, data: { main: [options.items ?? [{ json: {} }]] }, source: null },
			],
		},
	});
	reportedErrors.set(executionId, []);
	const started = Date.now();
	let timer: NodeJS.Timeout | undefined;
	try {
		const engine = new WorkflowExecute(additionalData, 'manual', runExecutionData);
		const execution = engine.processRunExecutionData(workflow);
		if (options.cancelAfterMs !== undefined) {
			timer = setTimeout(() => execution.cancel(), options.cancelAfterMs);
		}
		const run = await execution;
		const task = run.data.resultData.runData[NODE_NAME]?.[0];
		const recorded = task?.error ?? run.data.resultData.error;
		// Prefer the instance the node threw (NodeApiError keeps httpCode, cause, ...).
		const thrown = reportedErrors.get(executionId)?.find((e) => e.message === recorded?.message);
		return {
			// [] when the node failed; with continue-on-fail n8n passes the input on if the node threw.
			items: task?.data?.main?.[0] ?? [],
			error: recorded ? (thrown ?? Object.assign(new Error(recorded.message), recorded)) : undefined,
			cancelled: execution.isCanceled,
			durationMs: Date.now() - started,
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
