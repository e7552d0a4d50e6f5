import type { IExecuteFunctions } from 'n8n-workflow';

import type { ImageSpec } from '../helpers/createSpec';
import type { CreateInput } from '../helpers/requestBody';

/**
 * The image parameters of an operation that takes images (its spec names them), read only for the
 * chosen source: a value left in a hidden field from the other source changes nothing.
 */
export function imageParameters(ctx: IExecuteFunctions, itemIndex: number, images: ImageSpec): Partial<CreateInput> {
	const imageSource = ctx.getNodeParameter('imageSource', itemIndex, 'url');
	const names = images.parameters[imageSource === 'binary' ? 'binary' : 'url'];
	const input: Partial<CreateInput> = { imageSource };
	for (const [name, fallback] of names) {
		input[name] = fallback === undefined ? ctx.getNodeParameter(name, itemIndex) : ctx.getNodeParameter(name, itemIndex, fallback);
	}
	return input;
}
