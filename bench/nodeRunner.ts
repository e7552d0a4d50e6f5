/**
 * Runs the real Veo node (compiled from nodes/, not dist/) in n8n's engine via test/helpers/runNode,
 * outside jest: the benchmark's way of calling it.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AceDataCloudApi } from '../credentials/AceDataCloudApi.credentials';
import { Veo } from '../nodes/Veo/Veo.node';
import type { RunNodeResult } from '../test/helpers/runNode';
import { runNode } from '../test/helpers/runNode';

export const BENCH_TOKEN = 'sk-bench-2c9e51f07a3d4b6e';

export async function runVeoNode(
	baseUrl: string,
	parameters: INodeParameters,
	items: IDataObject[] = [{}],
	token = BENCH_TOKEN,
): Promise<RunNodeResult> {
	return await runNode({
		nodeType: new Veo(),
		parameters,
		items: items.map((json) => ({ json })),
		credentials: { aceDataCloudApi: { type: new AceDataCloudApi(), data: { apiToken: token, baseUrl } } },
	});
}
