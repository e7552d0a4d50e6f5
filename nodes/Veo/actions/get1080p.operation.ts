import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CreateSpec } from '../helpers/createSpec';
import { INGREDIENTS_MODEL } from '../helpers/models';
import { createTasks } from '../creating/createTasks';
import { modelField, waitingFields } from '../fields/sharedFields';
import type { OperationOption } from './operations';

export const option: OperationOption = {
	name: 'Get 1080p',
	value: 'get1080p',
	action: 'Get the 1080p version of a video',
	description: 'Make the 1080p version of a finished video',
};

/** Names a made video instead of a prompt; its options are only the waiting ones. */
export const create: CreateSpec = { action: 'get1080p', input: 'videoId', offers4k: false };

const generationModel = modelField(create.offers4k);

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
	...waitingFields(create),
];

export const description = updateDisplayOptions({ show: { operation: [option.value] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		spec: create,
		videoId: this.getNodeParameter('videoId', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
