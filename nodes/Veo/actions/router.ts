import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { operationNamed } from './operations';

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const value = this.getNodeParameter('operation', 0) as string;
	// Looked up in the list, not as an object key: an imported workflow could name 'toString' or '__proto__'.
	const operation = operationNamed(value);
	if (!operation) {
		// n8n offers "Custom API Call" on nodes whose credential could sign any request.
		const hint =
			value === '__CUSTOM_API_CALL__'
				? 'For other Ace Data Cloud endpoints, use the HTTP Request node with the Ace Data Cloud API credential.'
				: undefined;
		throw new NodeOperationError(this.getNode(), `The operation "${value}" is not supported by the Veo node`, {
			description: hint,
		});
	}
	return [await operation.execute.call(this)];
}
