import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { INGREDIENTS_MODEL } from '../helpers/models';
import { createTasks } from '../creating/createTasks';
import { modelField, waitingFields } from '../fields/sharedFields';

const generationModel = modelField('no4k');

const properties: INodeProperties[] = [
	{
		displayName: 'Video ID',
		name: 'videoId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 253eedc47f1c4eb2a370ed2312168f4b',
		description:
			'The video ID of a finished generation (the "videoId" field of its output), not its task ID',
	},
	{
		...generationModel,
		options: [
			...(generationModel.options ?? []),
			{ name: 'Veo 3.1 Fast Ingredients', value: INGREDIENTS_MODEL, description: 'For a video made with Ingredients to Video' },
		],
		description: 'The model the video was made with',
	},
	...waitingFields({ kind: 'get1080p' }),
];

export const description = updateDisplayOptions({ show: { operation: ['get1080p'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		operation: 'get1080p',
		videoId: this.getNodeParameter('videoId', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
