import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CreateSpec } from '../helpers/createSpec';
import { createTasks } from '../creating/createTasks';
import { modelField, promptField, waitingFields } from '../fields/sharedFields';
import type { OperationOption } from './operations';

export const option: OperationOption = {
	name: 'Text to Video',
	value: 'textToVideo',
	action: 'Make a video from text',
	description: 'Generate a video from a prompt',
};

/** Only Text to Video makes 4k videos (and only with Veo 3.1). */
export const create: CreateSpec = { action: 'text2video', input: 'prompt', offers4k: true };

const properties: INodeProperties[] = [promptField, modelField(create.offers4k), ...waitingFields(create)];

export const description = updateDisplayOptions({ show: { operation: [option.value] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		spec: create,
		prompt: this.getNodeParameter('prompt', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
