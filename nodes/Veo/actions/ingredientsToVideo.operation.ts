import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { INGREDIENTS_MODEL } from '../helpers/models';
import { createTasks } from '../creating/createTasks';
import { imageParameters } from '../creating/imageParameters';
import { forImageSource, imageSourceField, promptField, waitingFields } from '../fields/sharedFields';

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
		...forImageSource('ingredientsToVideo', 'url'),
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
		...forImageSource('ingredientsToVideo', 'binary'),
	},
	{
		displayName: `Ingredients to video always uses the model ${INGREDIENTS_MODEL}`,
		name: 'ingredientsModelNotice',
		// Information, not a warning: n8n draws a 'notice' yellow, a 'callout' in its quiet info style.
		type: 'callout',
		default: '',
	},
	...waitingFields({ kind: 'generation', offers4k: 'no4k' }),
];

export const description = updateDisplayOptions({ show: { operation: ['ingredientsToVideo'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createTasks.call(this, (itemIndex) => ({
		operation: 'ingredientsToVideo',
		prompt: this.getNodeParameter('prompt', itemIndex),
		...imageParameters(this, itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
