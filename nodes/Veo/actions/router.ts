import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import * as get1080p from './get1080p.operation';
import * as getTask from './getTask.operation';
import * as imageToVideo from './imageToVideo.operation';
import * as ingredientsToVideo from './ingredientsToVideo.operation';
import * as textToVideo from './textToVideo.operation';

export const operations = { textToVideo, imageToVideo, ingredientsToVideo, get1080p, getTask };

export type VeoOperation = keyof typeof operations;

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	// Own keys only: an imported workflow could name 'toString' or '__proto__', which `in` would find.
	if (!Object.prototype.hasOwnProperty.call(operations, operation)) {
		// n8n offers "Custom API Call" on nodes whose credential could sign any request.
		const hint =
			operation === '__CUSTOM_API_CALL__'
				? 'For other Ace Data Cloud endpoints, use the HTTP Request node with the Ace Data Cloud API credential.'
				: undefined;
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported by the Veo node`, {
			description: hint,
		});
	}
	return [await operations[operation as VeoOperation].execute.call(this)];
}
