import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { AceDataCloudApi } from '../../../credentials/AceDataCloudApi.credentials';
import { Veo } from '../../../nodes/Veo/Veo.node';
import { VeoEmulator } from '../../emulator/VeoEmulator';
import type { VeoEmulatorOptions } from '../../emulator/VeoEmulator';
import type { RunNodeResult } from '../../helpers/runNode';
import { runNode } from '../../helpers/runNode';

/** The token every test runs with; no output or error may ever contain it. */
export const TOKEN = 'sk-test-7f3a9c2e41d04b8e';

/** Fast enough for tests: a task finishes 0.5 s after it is created, before the first 1 s poll. */
export const QUICK: VeoEmulatorOptions = { token: TOKEN, pendingMs: 150, runningMs: 350, videoSize: 96 * 1024 };

/** One emulator per test file, emptied before each test. */
export function useEmulator(options: VeoEmulatorOptions = QUICK): () => VeoEmulator {
	const emulator = new VeoEmulator(options);
	beforeAll(async () => {
		await emulator.start();
	});
	beforeEach(() => emulator.reset());
	afterAll(async () => {
		await emulator.stop();
	});
	return () => emulator;
}

export interface RunVeoOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	cancelAfterMs?: number;
	token?: string;
	baseUrl?: string;
}

/** Runs the real Veo node in n8n's engine against the emulator, then checks the token did not leak. */
export async function runVeo(
	emulator: VeoEmulator,
	parameters: INodeParameters,
	options: RunVeoOptions = {},
): Promise<RunNodeResult> {
	const result = await runNode({
		nodeType: new Veo(),
		parameters,
		items: (options.items ?? [{}]).map((json) => ({ json })),
		continueOnFail: options.continueOnFail,
		cancelAfterMs: options.cancelAfterMs,
		credentials: {
			aceDataCloudApi: {
				type: new AceDataCloudApi(),
				data: { apiToken: options.token ?? TOKEN, baseUrl: options.baseUrl ?? emulator.baseUrl },
			},
		},
	});
	expectNoSecret(result);
	return result;
}

export function expectNoSecret(result: RunNodeResult): void {
	const error = result.error as (Error & { description?: string; cause?: unknown }) | undefined;
	const seen = [
		JSON.stringify(result.items),
		error ? JSON.stringify(error, Object.getOwnPropertyNames(error)) : '',
		error?.description ?? '',
		error?.cause ? JSON.stringify(error.cause, Object.getOwnPropertyNames(error.cause)) : '',
	].join('\n');
	expect(seen).not.toContain(TOKEN);
}

export const json = (items: INodeExecutionData[]) => items.map((item) => item.json);

/** The parsed bodies of the create requests the emulator accepted or refused, in order. */
export const createBodies = (emulator: VeoEmulator) => emulator.requestsTo('/veo/videos').map((request) => request.body);
