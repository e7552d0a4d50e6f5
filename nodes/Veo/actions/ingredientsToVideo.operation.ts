import { updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { INGREDIENTS_MODEL } from '../helpers/models';
import { createVideos } from './createVideos';
import { promptField, waitingFields } from './sharedFields';

const properties: INodeProperties[] = [
	promptField,
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
	},
	{
		displayName: `Ingredients to video always uses the model ${INGREDIENTS_MODEL}`,
		name: 'ingredientsModelNotice',
		type: 'notice',
		default: '',
	},
	...waitingFields('generation'),
];

export const description = updateDisplayOptions({ show: { operation: ['ingredientsToVideo'] } }, properties);

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	return await createVideos.call(this, (itemIndex) => ({
		operation: 'ingredientsToVideo',
		prompt: this.getNodeParameter('prompt', itemIndex),
		imageUrls: this.getNodeParameter('imageUrls', itemIndex),
		options: this.getNodeParameter('options', itemIndex, {}),
	}));
}
