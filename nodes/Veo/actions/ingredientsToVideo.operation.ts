import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { CreateSpec, ImageSpec } from '../helpers/createSpec';
import { INGREDIENTS_MODEL } from '../helpers/models';
import { createTasks } from '../creating/createTasks';
import { imageParameters } from '../creating/imageParameters';
import { forImageSource, imageSourceField, promptField, waitingFields } from '../fields/sharedFields';
import type { OperationOption } from './operations';

export const option: OperationOption = {
	name: 'Ingredients to Video',
	value: 'ingredientsToVideo',
	action: 'Make a video from reference images',
	description: 'Fuse 1 to 3 reference images into a new video',
};

/** 1 to 3 reference images, by URL or from binary properties. */
const images: ImageSpec = { layout: 'references', maxImages: 3, parameters: { url: [['imageUrls']], binary: [['imageBinaryFields']] } };

/** The service forces its ingredients model; the node sends it and shows no Model field. */
export const create: CreateSpec = { action: 'ingredients2video', input: 'prompt', fixedModel: INGREDIENTS_MODEL, offers4k: false, images };

const properties: INodeProperties[] = [
	promptField,
	imageSourceField,
	{
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'https://example.com/person.png, https://example.com/product.png',
		description:
			'1 to 3 public http(s) image addresses, separated by commas or new lines (or an array from an expression), whose subjects appear in the video',
		...forImageSource(option.value, 'url'),
	},
	{
		displayName: 'Image Binary Fields',
		name: 'imageBinaryFields',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, product',
		description:
			'Names of 1 to 3 binary properties of the input item (png, jpeg or webp), separated by commas, whose subjects appear in the video',
		...forImageSource(option.value, 'binary'),
	},
	{
		displayName: `Ingredients to video always uses the model ${INGREDIENTS_MODEL}`,
		name: 'ingredientsModelNotice',
		// Information, not a warning: n8n draws a 'notice' yellow, a 'callout' in its quiet info style.
		type: 'callout',
		default: '',
	},
	...waitingFields(create),
];

export const description = updateDisplayOptions({ show: { operation: [option.value] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		spec: create,
		prompt: this.getNodeParameter('prompt', itemIndex),
		...imageParameters(this, itemIndex, images),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
