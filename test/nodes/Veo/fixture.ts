import { LoggerProxy } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

import { AceDataCloudApi } from '../../../credentials/AceDataCloudApi.credentials';
import { Veo } from '../../../nodes/Veo/Veo.node';
import { stopAllChecks } from '../../../nodes/Veo/pause/resumeClaims';
import { LOOK_AFTER_MS } from '../../../nodes/Veo/engine/taskAdoption';
import { TRANSFER_TIMES } from '../../../nodes/Veo/transfers/transferDeadline';
import { VeoEmulator } from '../../emulator/VeoEmulator';
import type { VeoEmulatorOptions } from '../../emulator/VeoEmulator';
import type { RunNodeOptions, RunNodeResult } from '../../helpers/runNode';
import { runNode } from '../../helpers/runNode';
import { testNodeDescription } from '../../helpers/testNodeDescription';

/** The token every test runs with; no output or error may ever contain it. */
export const TOKEN = 'sk-test-7f3a9c2e41d04b8e';
/** The platform token of the tests that upload images; no output or error may contain it either. */
export const PLATFORM_TOKEN = 'platform-test-5b1e0c9d73a2';

/** What n8n's engine logs during the engine tests of a file (message and metadata), searched for the token. */
const logLines: string[] = [];
const capture = (level: string) => (message: string, metadata?: unknown) => {
	logLines.push(`${level} ${message} ${everyString(metadata).join(' ')}`);
};
LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') });

/** Fast enough for tests: a task finishes 0.5 s after it is created, before the first 1 s poll. */
export const QUICK: VeoEmulatorOptions = { token: TOKEN, pendingMs: 150, runningMs: 350, videoSize: 96 * 1024 };

/** One emulator per test file, emptied before each test. */
export function useEmulator(options: VeoEmulatorOptions = QUICK): () => VeoEmulator {
	const emulator = new VeoEmulator(options);
	beforeAll(async () => {
		await emulator.start();
	});
	beforeEach(() => emulator.reset());
	// A paused execution's checks for missed callbacks run in the background: none outlives its test.
	afterEach(() => stopAllChecks());
	afterAll(async () => {
		await emulator.stop();
	});
	return () => emulator;
}

export interface RunVeoOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	onError?: RunNodeOptions['onError'];
	legacyContinueOnFail?: boolean;
	cancelAfterMs?: number;
	token?: string;
	baseUrl?: string;
	/** Default: 1 when the parameters use version 1's Wait for Completion switch, else the node's default. */
	typeVersion?: number;
	/** n8n's waiting webhooks: a run that pauses is kept there, and the emulator's callbacks resume it. */
	waitingWebhooks?: RunNodeOptions['waitingWebhooks'];
	executionId?: RunNodeOptions['executionId'];
	/** The node's Retry On Fail, Max Tries and Wait Between Tries settings. */
	settings?: RunNodeOptions['settings'];
	/** The input of further runs of the node in the same execution (a loop's later iterations). */
	laterRuns?: IDataObject[][];
	/** Connect a node after the Veo node's regular output (its runs show in `runData.Downstream`). */
	withDownstream?: boolean;
	/** Binary properties of each input item (by index), as n8n keeps them in memory. */
	binaries?: Array<INodeExecutionData['binary']>;
	/** The credential's Platform Token and Platform Base URL (files endpoint). */
	platform?: { token?: string; baseUrl?: string };
}

/** The node after the Veo node: passes its items on, so a test can see whether it ran and with what. */
class Downstream implements INodeType {
	description = testNodeDescription('downstreamNode');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData().map((item, index) => ({ json: item.json, pairedItem: { item: index } }))];
	}
}

/** Runs the real Veo node in n8n's engine against the emulator, then checks the token did not leak. */
export async function runVeo(
	emulator: VeoEmulator,
	parameters: INodeParameters,
	options: RunVeoOptions = {},
): Promise<RunNodeResult> {
	const logged = logLines.length;
	const result = await runNode({
		nodeType: new Veo(),
		// The tests written for version 1's switch keep running as version 1: they show it behaves as before.
		typeVersion: options.typeVersion ?? ('waitForCompletion' in parameters ? 1 : undefined),
		parameters,
		items: (options.items ?? [{}]).map((json, index) => ({ json, ...(options.binaries?.[index] ? { binary: options.binaries[index] } : {}) })),
		continueOnFail: options.continueOnFail,
		onError: options.onError,
		legacyContinueOnFail: options.legacyContinueOnFail,
		cancelAfterMs: options.cancelAfterMs,
		waitingWebhooks: options.waitingWebhooks,
		executionId: options.executionId,
		settings: options.settings,
		laterRuns: options.laterRuns?.map((items) => items.map((one) => ({ json: one }))),
		downstream: options.withDownstream ? new Downstream() : undefined,
		credentials: {
			aceDataCloudApi: {
				type: new AceDataCloudApi(),
				data: {
					apiToken: options.token ?? TOKEN,
					baseUrl: options.baseUrl ?? emulator.baseUrl,
					...(options.platform ? { platformToken: options.platform.token ?? '', platformBaseUrl: options.platform.baseUrl ?? '' } : {}),
				},
			},
		},
	});
	expectNoSecret(result);
	expect(logLines.slice(logged).filter((line) => line.includes(TOKEN) || line.includes(PLATFORM_TOKEN))).toEqual([]);
	return result;
}

/** Every output item and everything the error carries (message, description, cause, context, response...). */
export function expectNoSecret(result: RunNodeResult): void {
	const leaks = everyString([result.items, result.error]).filter((text) => text.includes(TOKEN) || text.includes(PLATFORM_TOKEN));
	expect(leaks).toEqual([]);
}

/**
 * Every string reachable from a value, own non-enumerable properties included (an Error's message,
 * stack and cause are not enumerable), so that nothing an error carries escapes a search.
 */
export function everyString(value: unknown, seen = new WeakSet<object>()): string[] {
	if (typeof value === 'string') return [value];
	if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
	if (!value || typeof value !== 'object' || seen.has(value)) return [];
	seen.add(value);
	if (Buffer.isBuffer(value)) return [value.toString('latin1')];
	const keys = value instanceof Error ? [...new Set([...Object.getOwnPropertyNames(value), 'cause', 'stack'])] : Object.keys(value);
	return keys.flatMap((key) => [key, ...everyString((value as Record<string, unknown>)[key], seen)]);
}

export const json = (items: INodeExecutionData[]) => items.map((item) => item.json);

/** The parsed bodies of the create requests the emulator accepted or refused, in order. */
export const createBodies = (emulator: VeoEmulator) => emulator.requestsTo('/veo/videos').map((request) => request.body);

/** Creates a task straight at the emulator (not through the node), so a test does not depend on the submitting engine. */
export async function createTaskAt(emulator: VeoEmulator, prompt = 'a fox'): Promise<string> {
	const answer = await fetch(`${emulator.baseUrl}/veo/videos`, {
		method: 'POST',
		headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
		body: JSON.stringify({ action: 'text2video', model: 'veo3', prompt, async: true }),
	});
	return ((await answer.json()) as { task_id: string }).task_id;
}

/** A task created straight at the emulator, once it has succeeded. */
export async function finishedTaskAt(emulator: VeoEmulator, prompt = 'a fox'): Promise<string> {
	const taskId = await createTaskAt(emulator, prompt);
	while (emulator.getTask(taskId)?.state !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 50));
	return taskId;
}

/**
 * Scales some of the node's time limits (an exported object or array of its production values) down for
 * the tests of one describe block, restored after each test, so that a bound of seconds or minutes is
 * checked in a fraction of the real time. The one test per mechanism that keeps the production value
 * says so in its name: it ends with "(real time)".
 */
export function useScaledTimes<T extends object>(limits: T, scaled: Partial<T>): void {
	const saved = Array.isArray(limits) ? [...limits] : { ...limits };
	beforeEach(() => Object.assign(limits, scaled));
	afterEach(() => Object.assign(limits, saved));
}

/** The transfer deadlines (downloads, uploads), scaled down. */
export function useTransferTimes(times: Partial<typeof TRANSFER_TIMES>): void {
	useScaledTimes(TRANSFER_TIMES, times);
}

/**
 * The looks for the task of a create whose answer was lost, scaled down from 0 to 30 s to 0 to 3 s:
 * the same schedule, a tenth of the wait.
 */
export const SCALED_LOOKS = LOOK_AFTER_MS.map((ms) => ms / 10);

export function useScaledLooks(): void {
	useScaledTimes(LOOK_AFTER_MS, SCALED_LOOKS);
}
