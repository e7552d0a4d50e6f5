import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { createVideos } from './createVideos';
import { modelField, promptField, waitingFields } from './sharedFields';

const properties: INodeProperties[] = [
	promptField,
	modelField,
	{
		displayName: 'First Frame URL',
		name: 'firstFrameUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/first-frame.png',
		description: 'Public http(s) address of the image the video starts with',
	},
	{
		displayName: 'Last Frame URL',
		name: 'lastFrameUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/last-frame.png',
		description: 'Public http(s) address of the image the video should end with (optional)',
	},
	...waitingFields('generation'),
];

export const description = updateDisplayOptions({ show: { operation: ['imageToVideo'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createVideos.call(this, (itemIndex) => ({
		operation: 'imageToVideo',
		prompt: this.getNodeParameter('prompt', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		firstFrameUrl: this.getNodeParameter('firstFrameUrl', itemIndex),
		lastFrameUrl: this.getNodeParameter('lastFrameUrl', itemIndex, ''),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
