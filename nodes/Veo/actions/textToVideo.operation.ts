import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createTasks } from '../creating/createTasks';
import { modelField, promptField, waitingFields } from '../fields/sharedFields';

const properties: INodeProperties[] = [
	promptField,
	modelField('with4k'),
	...waitingFields({ kind: 'generation', offers4k: 'with4k' }),
];

export const description = updateDisplayOptions({ show: { operation: ['textToVideo'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		operation: 'textToVideo',
		prompt: this.getNodeParameter('prompt', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
