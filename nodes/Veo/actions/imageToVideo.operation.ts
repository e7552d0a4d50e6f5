import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createTasks } from '../creating/createTasks';
import { imageParameters } from '../creating/imageParameters';
import { forImageSource, imageSourceField, modelField, promptField, waitingFields } from '../fields/sharedFields';

const properties: INodeProperties[] = [
	promptField,
	modelField('no4k'),
	imageSourceField,
	{
		displayName: 'First Frame URL',
		name: 'firstFrameUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/first-frame.png',
		description: 'Public http(s) address of the image the video starts with',
		...forImageSource('imageToVideo', 'url'),
	},
	{
		displayName: 'Last Frame URL',
		name: 'lastFrameUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/last-frame.png',
		description: 'Public http(s) address of the image the video should end with (optional)',
		...forImageSource('imageToVideo', 'url'),
	},
	{
		displayName: 'First Frame Binary Field',
		name: 'firstFrameBinaryField',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property of the input item that holds the image the video starts with (png, jpeg or webp)',
		...forImageSource('imageToVideo', 'binary'),
	},
	{
		displayName: 'Last Frame Binary Field',
		name: 'lastFrameBinaryField',
		type: 'string',
		default: '',
		placeholder: 'e.g. lastFrame',
		description: 'Name of the binary property that holds the image the video should end with (optional)',
		...forImageSource('imageToVideo', 'binary'),
	},
	...waitingFields({ kind: 'generation', offers4k: 'no4k' }),
];

export const description = updateDisplayOptions({ show: { operation: ['imageToVideo'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		operation: 'imageToVideo',
		prompt: this.getNodeParameter('prompt', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		...imageParameters(this, itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
