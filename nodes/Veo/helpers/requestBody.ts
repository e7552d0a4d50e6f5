import { binaryImagesOf } from './binaryImageRefs';
import type { BinaryImageRef } from './binaryImageRefs';
import type { CreateSpec } from './createSpec';
import { InputError } from './inputError';
import { oneEntry, oneOf, optionalText, requireText, requireUrl, shown } from './fieldValues';
import { URL_LIST_SEPARATOR, parseTextList } from './inputList';
import {
	ASPECT_RATIOS,
	FOUR_K_MODEL,
	GENERATION_MODELS,
	INGREDIENTS_MODEL,
	RESOLUTIONS,
	RETIRED_MODELS,
	isGenerationModel,
} from './models';

/** What the user set in `options`; values come straight from n8n and may be of any type. */
export interface GenerationOptions {
	aspectRatio?: unknown;
	resolution?: unknown;
	translation?: unknown;
	callbackUrl?: unknown;
}

/** The parameters of one item, as read from the node, before any checking. */
export interface CreateInput {
	/** What the operation is (its own file says): which action, which fields, which images. */
	spec: CreateSpec;
	prompt?: unknown;
	model?: unknown;
	firstFrameUrl?: unknown;
	lastFrameUrl?: unknown;
	imageUrls?: unknown;
	/** 'url' (the default) or 'binary': then the images are named by the three fields below. */
	imageSource?: unknown;
	firstFrameBinaryField?: unknown;
	lastFrameBinaryField?: unknown;
	imageBinaryFields?: unknown;
	videoId?: unknown;
	options?: GenerationOptions;
}

/** The body of `POST /veo/videos`, in the service's own field names. */
export interface VeoCreateBody {
	action: string;
	model: string;
	prompt?: string;
	image_urls?: string[];
	video_id?: string;
	aspect_ratio?: string;
	resolution?: string;
	translation?: boolean;
	callback_url?: string;
	async: true;
}

/** One item's create: the body to send, and the binary images to upload first (their URLs complete it). */
export interface CreateRequest {
	body: VeoCreateBody;
	binaryImages?: BinaryImageRef[];
}

/**
 * Checks one item's parameters, in the order the panel lists them, and turns them into the request.
 * Every rule the service would enforce with a 400 is checked here, so a bad item is refused before
 * anything is paid for.
 */
export function buildCreateRequest(input: CreateInput): CreateRequest {
	const { spec } = input;
	const options = input.options ?? {};
	const body: VeoCreateBody = { action: spec.action, model: spec.fixedModel ?? '', async: true };
	let binaryImages: BinaryImageRef[] | undefined;

	if (spec.input === 'videoId') {
		// The 1080p of an Ingredients video is asked for with the model that made it.
		body.model = input.model === INGREDIENTS_MODEL ? INGREDIENTS_MODEL : requireModel(input.model);
		body.video_id = requireText(input.videoId, 'Video ID', 'the video ID of a finished generation (its "videoId" output, not the task ID)');
	} else {
		if (!spec.fixedModel) body.model = requireModel(input.model);
		body.prompt = requireText(input.prompt, 'Prompt', 'a description of the video to make');
		binaryImages = binaryImagesOf(input);
		body.image_urls = binaryImages ? [] : imagesFor(input);
		if (body.image_urls.length === 0) delete body.image_urls;
		Object.assign(body, generationOptions(options, spec, body.model));
	}

	const callbackUrl = optionalText(options.callbackUrl, 'Callback URL');
	if (callbackUrl !== undefined) body.callback_url = requireUrl(callbackUrl, 'Callback URL', ['https:']);
	return { body, binaryImages };
}

function imagesFor(input: CreateInput): string[] {
	if (input.spec.images?.layout === 'frames') {
		const first = singleUrl(input.firstFrameUrl, 'First Frame URL', true);
		const last = singleUrl(input.lastFrameUrl, 'Last Frame URL', false);
		return last ? [first as string, last] : [first as string];
	}
	if (input.spec.images?.layout === 'references') {
		const urls = parseTextList(input.imageUrls, 'Image URLs', URL_LIST_SEPARATOR);
		if (urls.length === 0) {
			throw new InputError('Image URLs', "The 'Image URLs' field is empty", 'Give 1 to 3 image URLs, separated by commas or new lines.');
		}
		const max = input.spec.images.maxImages ?? 1;
		if (urls.length > max) {
			throw new InputError(
				'Image URLs',
				`The 'Image URLs' field holds ${urls.length} images, but ingredients to video takes at most ${max}`,
			);
		}
		return urls.map((url) => requireUrl(url, 'Image URLs'));
	}
	return [];
}

function singleUrl(value: unknown, field: string, required: boolean): string | undefined {
	const url = oneEntry(parseTextList(value, field, URL_LIST_SEPARATOR), field, {
		required,
		whenEmpty: 'Give the address (http or https) of the image to start the video with.',
		holds: (count) => `holds ${count} URLs`,
		whenMany: 'Image to video takes one first frame and, optionally, one last frame. For up to 3 reference images use Ingredients to Video.',
	});
	return url === undefined ? undefined : requireUrl(url, field);
}

function generationOptions(options: GenerationOptions, spec: CreateSpec, model: string) {
	const extra: Partial<VeoCreateBody> = {};
	const aspectRatio = optionalText(options.aspectRatio, 'Aspect Ratio');
	if (aspectRatio !== undefined) extra.aspect_ratio = oneOf(aspectRatio, ASPECT_RATIOS, 'Aspect Ratio');

	const resolution = optionalText(options.resolution, 'Resolution');
	if (resolution !== undefined) {
		extra.resolution = oneOf(resolution, RESOLUTIONS, 'Resolution');
		if (resolution === '4k' && (!spec.offers4k || model !== FOUR_K_MODEL)) {
			throw new InputError(
				'Resolution',
				`'4k' in 'Resolution' is available only for Text to Video with model ${FOUR_K_MODEL}`,
				'Pick 1080p, or switch to Text to Video with model veo31.',
			);
		}
	}

	if (options.translation !== undefined && options.translation !== '') {
		if (typeof options.translation !== 'boolean') {
			throw new InputError('Translate Prompt', "The 'Translate Prompt' option must be true or false");
		}
		extra.translation = options.translation;
	}
	return extra;
}

function requireModel(value: unknown): string {
	const model = optionalText(value, 'Model');
	if (isGenerationModel(model)) return model;
	const choices = GENERATION_MODELS.join(', ');
	if (model === undefined) throw new InputError('Model', "The 'Model' field is empty", `Pick one of: ${choices}.`);
	if (typeof model === 'string' && RETIRED_MODELS.includes(model)) {
		throw new InputError('Model', `Model '${shown(model)}' has been retired by Ace Data Cloud`, `Pick one of: ${choices}.`);
	}
	if (model === INGREDIENTS_MODEL) {
		throw new InputError('Model', `Model '${shown(model)}' only makes videos from reference images`, `Use Ingredients to Video, or pick one of: ${choices}.`);
	}
	throw new InputError('Model', `Model '${shown(model)}' is not a Veo model`, `Pick one of: ${choices}.`);
}
