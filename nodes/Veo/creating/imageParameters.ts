import type { IExecuteFunctions } from 'n8n-workflow';

import type { CreateInput } from '../helpers/requestBody';

type ImageParameter = 'firstFrameUrl' | 'lastFrameUrl' | 'imageUrls' | 'firstFrameBinaryField' | 'lastFrameBinaryField' | 'imageBinaryFields';

/** The image parameters of each operation and source: [name, default (none when required)]. */
const IMAGE_PARAMETERS: Record<string, Record<'url' | 'binary', Array<[ImageParameter, string?]>>> = {
	imageToVideo: {
		url: [['firstFrameUrl'], ['lastFrameUrl', '']],
		binary: [['firstFrameBinaryField'], ['lastFrameBinaryField', '']],
	},
	ingredientsToVideo: { url: [['imageUrls']], binary: [['imageBinaryFields']] },
};

/**
 * The image parameters of Image and Ingredients to Video, read only for the chosen source: a value
 * left in a hidden field from the other source changes nothing.
 */
export function imageParameters(ctx: IExecuteFunctions, itemIndex: number): Partial<CreateInput> {
	const operation = ctx.getNodeParameter('operation', itemIndex) as string;
	const imageSource = ctx.getNodeParameter('imageSource', itemIndex, 'url');
	const names = IMAGE_PARAMETERS[operation][imageSource === 'binary' ? 'binary' : 'url'];
	const input: Partial<CreateInput> = { imageSource };
	for (const [name, fallback] of names) {
		input[name] = fallback === undefined ? ctx.getNodeParameter(name, itemIndex) : ctx.getNodeParameter(name, itemIndex, fallback);
	}
	return input;
}
