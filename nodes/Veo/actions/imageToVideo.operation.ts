import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CreateSpec, ImageSpec } from '../helpers/createSpec';
import { createTasks } from '../creating/createTasks';
import { imageParameters } from '../creating/imageParameters';
import { forImageSource, imageSourceField, modelField, promptField, waitingFields } from '../fields/sharedFields';
import type { OperationOption } from './operations';

export const option: OperationOption = {
	name: 'Image to Video',
	value: 'imageToVideo',
	action: 'Make a video from an image',
	description: 'Animate a first frame, optionally towards a last frame',
};

/** One first frame and an optional last one, by URL or from binary properties. */
const images: ImageSpec = {
	layout: 'frames',
	parameters: {
		url: [['firstFrameUrl'], ['lastFrameUrl', '']],
		binary: [['firstFrameBinaryField'], ['lastFrameBinaryField', '']],
	},
};

export const create: CreateSpec = { action: 'image2video', input: 'prompt', offers4k: false, images };

const properties: INodeProperties[] = [
	promptField,
	modelField(create.offers4k),
	imageSourceField,
	{
		displayName: 'First Frame URL',
		name: 'firstFrameUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/first-frame.png',
		description: 'Public http(s) address of the image the video starts with',
		...forImageSource(option.value, 'url'),
	},
	{
		displayName: 'Last Frame URL',
		name: 'lastFrameUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/last-frame.png',
		description: 'Public http(s) address of the image the video should end with (optional)',
		...forImageSource(option.value, 'url'),
	},
	{
		displayName: 'First Frame Binary Field',
		name: 'firstFrameBinaryField',
		type: 'string',
		default: 'data',
		required: true,
		description: 'Name of the binary property of the input item that holds the image the video starts with (png, jpeg or webp)',
		...forImageSource(option.value, 'binary'),
	},
	{
		displayName: 'Last Frame Binary Field',
		name: 'lastFrameBinaryField',
		type: 'string',
		default: '',
		placeholder: 'e.g. lastFrame',
		description: 'Name of the binary property that holds the image the video should end with (optional)',
		...forImageSource(option.value, 'binary'),
	},
	...waitingFields(create),
];

export const description = updateDisplayOptions({ show: { operation: [option.value] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		spec: create,
		prompt: this.getNodeParameter('prompt', itemIndex),
		model: this.getNodeParameter('model', itemIndex),
		...imageParameters(this, itemIndex, images),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
