import * as get1080p from '../../../../nodes/Veo/actions/get1080p.operation';
import * as imageToVideo from '../../../../nodes/Veo/actions/imageToVideo.operation';
import * as ingredientsToVideo from '../../../../nodes/Veo/actions/ingredientsToVideo.operation';
import * as textToVideo from '../../../../nodes/Veo/actions/textToVideo.operation';
import { InputError } from '../../../../nodes/Veo/helpers/inputError';
import type { CreateInput } from '../../../../nodes/Veo/helpers/requestBody';
import { buildCreateRequest } from '../../../../nodes/Veo/helpers/requestBody';

const IMAGE = 'https://example.com/a.png';
const IMAGE_B = 'https://example.com/b.png';

describe('buildCreateRequest: parameters to the POST /veo/videos body', () => {
	it('text to video sends action, model, prompt and async, and nothing the user did not set', () => {
		expect(buildCreateRequest({ spec: textToVideo.create, prompt: '  a cat  ', model: 'veo31-fast' }).body).toEqual({
			action: 'text2video',
			model: 'veo31-fast',
			prompt: 'a cat',
			async: true,
		});
	});

	it('sends every generation option the user set, in the service field names', () => {
		expect(
			buildCreateRequest({
				spec: textToVideo.create,
				prompt: 'a cat',
				model: 'veo31',
				options: { aspectRatio: '9:16', resolution: '4k', translation: false, callbackUrl: 'https://hook.example.com/v' },
			}).body,
		).toEqual({
			action: 'text2video',
			model: 'veo31',
			prompt: 'a cat',
			aspect_ratio: '9:16',
			resolution: '4k',
			translation: false,
			callback_url: 'https://hook.example.com/v',
			async: true,
		});
	});

	it('image to video sends the first frame, then the last frame when given', () => {
		expect(buildCreateRequest({ spec: imageToVideo.create, prompt: 'p', model: 'veo3', firstFrameUrl: IMAGE }).body.image_urls).toEqual([IMAGE]);
		expect(
			buildCreateRequest({ spec: imageToVideo.create, prompt: 'p', model: 'veo3', firstFrameUrl: IMAGE, lastFrameUrl: IMAGE_B }).body,
		).toMatchObject({ action: 'image2video', image_urls: [IMAGE, IMAGE_B] });
	});

	it('with Image Source: Binary Field, sends no image URLs and names the binary properties to upload first, in order', () => {
		const request = buildCreateRequest({ spec: imageToVideo.create, prompt: 'p', model: 'veo3', imageSource: 'binary', firstFrameBinaryField: 'start', lastFrameBinaryField: 'end' });
		expect(request.body.image_urls).toBeUndefined();
		expect(request.binaryImages).toEqual([
			{ field: 'First Frame Binary Field', property: 'start' },
			{ field: 'Last Frame Binary Field', property: 'end' },
		]);
		expect(buildCreateRequest({ spec: imageToVideo.create, prompt: 'p', model: 'veo3', firstFrameUrl: IMAGE }).binaryImages).toBeUndefined();
	});

	it('ingredients to video takes 1 to 3 images from a list or an array, with its own model', () => {
		expect(
			buildCreateRequest({ spec: ingredientsToVideo.create, prompt: 'p', imageUrls: `${IMAGE},\n${IMAGE_B}` }).body,
		).toEqual({ action: 'ingredients2video', model: 'veo31-fast-ingredients', prompt: 'p', image_urls: [IMAGE, IMAGE_B], async: true });
		expect(buildCreateRequest({ spec: ingredientsToVideo.create, prompt: 'p', imageUrls: [IMAGE] }).body.image_urls).toEqual([IMAGE]);
	});

	it('get 1080p sends the video id and the model, and no prompt', () => {
		expect(buildCreateRequest({ spec: get1080p.create, videoId: ' abc123 ', model: 'veo3-fast' }).body).toEqual({
			action: 'get1080p',
			model: 'veo3-fast',
			video_id: 'abc123',
			async: true,
		});
	});

	it.each([
		['URL', { firstFrameUrl: '' }],
		['Binary Field', { imageSource: 'binary', firstFrameBinaryField: '' }],
	])('checks the fields in the order the panel lists them: an empty prompt is named before an empty first frame (%s)', (_source, images) => {
		const input = { spec: imageToVideo.create, model: 'veo3', prompt: '', ...images };
		expect(() => buildCreateRequest(input)).toThrow("The 'Prompt' field is empty");
		expect(() => buildCreateRequest({ ...input, prompt: 'p' })).toThrow(/^The 'First Frame (URL|Binary Field)' field is empty/);
	});

	it('keeps an image address with commas in its path as one image, and splits where the next address starts', () => {
		const cdn = 'https://res.cloudinary.com/demo/image/upload/w_400,h_300,c_fill/hat.png';
		expect(buildCreateRequest({ spec: imageToVideo.create, prompt: 'p', model: 'veo3', firstFrameUrl: cdn }).body.image_urls).toEqual([cdn]);
		expect(
			buildCreateRequest({ spec: ingredientsToVideo.create, prompt: 'p', imageUrls: `${cdn},${IMAGE}, ${IMAGE_B},` }).body.image_urls,
		).toEqual([cdn, IMAGE, IMAGE_B]);
	});

	const base = { prompt: 'a cat', model: 'veo31-fast' };
	const refused: Array<[string, CreateInput, string, RegExp]> = [
		['empty prompt', { spec: textToVideo.create, ...base, prompt: '' }, 'Prompt', /empty/],
		['whitespace prompt', { spec: textToVideo.create, ...base, prompt: ' \n\t' }, 'Prompt', /empty/],
		['prompt that is an object', { spec: textToVideo.create, ...base, prompt: { text: 'x' } }, 'Prompt', /must be text/],
		['prompt that is a list', { spec: imageToVideo.create, ...base, prompt: ['x'], firstFrameUrl: IMAGE }, 'Prompt', /a list/],
		['retired veo2', { spec: textToVideo.create, ...base, model: 'veo2' }, 'Model', /retired/],
		['retired veo2-fast', { spec: textToVideo.create, ...base, model: 'veo2-fast' }, 'Model', /retired/],
		['unknown model', { spec: textToVideo.create, ...base, model: 'sora' }, 'Model', /not a Veo model/],
		['ingredients model for text', { spec: textToVideo.create, ...base, model: 'veo31-fast-ingredients' }, 'Model', /reference images/],
		['no first frame', { spec: imageToVideo.create, ...base }, 'First Frame URL', /empty/],
		['three frames', { spec: imageToVideo.create, ...base, firstFrameUrl: [IMAGE, IMAGE_B, 'https://example.com/c.png'] }, 'First Frame URL', /holds 3/],
		['ftp first frame', { spec: imageToVideo.create, ...base, firstFrameUrl: 'ftp://x/a.png' }, 'First Frame URL', /not a web address/],
		['relative last frame', { spec: imageToVideo.create, ...base, firstFrameUrl: IMAGE, lastFrameUrl: '/a.png' }, 'Last Frame URL', /not a web address/],
		['javascript: url', { spec: imageToVideo.create, ...base, firstFrameUrl: 'javascript:alert(1)' }, 'First Frame URL', /not a web address/],
		['no ingredient', { spec: ingredientsToVideo.create, prompt: 'p', imageUrls: ' , ' }, 'Image URLs', /empty/],
		['four ingredients', { spec: ingredientsToVideo.create, prompt: 'p', imageUrls: ['a', 'b', 'c', 'd'].map((n) => `https://x/${n}`) }, 'Image URLs', /holds 4/],
		['4k with veo3', { spec: textToVideo.create, ...base, model: 'veo3', options: { resolution: '4k' } }, 'Resolution', /4k/],
		['4k for image to video', { spec: imageToVideo.create, ...base, model: 'veo31', firstFrameUrl: IMAGE, options: { resolution: '4k' } }, 'Resolution', /4k/],
		['unknown resolution', { spec: textToVideo.create, ...base, options: { resolution: '8k' } }, 'Resolution', /not a valid/],
		['1:1 aspect ratio', { spec: textToVideo.create, ...base, options: { aspectRatio: '1:1' } }, 'Aspect Ratio', /not a valid/],
		['http callback', { spec: textToVideo.create, ...base, options: { callbackUrl: 'http://hook.example.com' } }, 'Callback URL', /https/],
		['translation as text', { spec: textToVideo.create, ...base, options: { translation: 'yes' } }, 'Translate Prompt', /true or false/],
		['prompt that is true', { spec: textToVideo.create, ...base, prompt: true }, 'Prompt', /must be text, but its expression gave the yes\/no value true/],
		['empty model', { spec: textToVideo.create, ...base, model: ' ' }, 'Model', /'Model' field is empty/],
		['model that is a list', { spec: textToVideo.create, ...base, model: ['veo3'] }, 'Model', /must be text, but its expression gave a list/],
		['data: first frame', { spec: imageToVideo.create, ...base, firstFrameUrl: `data:image/png;base64,${'A'.repeat(1000)}` }, 'First Frame URL', /^'data:image\/png;base64,A{55}\.\.\.' in 'First Frame URL' is not a web address$/],
		['first frame that is an object', { spec: imageToVideo.create, ...base, firstFrameUrl: { url: IMAGE } }, 'First Frame URL', /must hold text, but its expression gave a set of fields/],
		['ingredient list holding an object', { spec: ingredientsToVideo.create, prompt: 'p', imageUrls: [IMAGE, { url: IMAGE_B }] }, 'Image URLs', /must hold text/],
		['ingredient list of only commas', { spec: ingredientsToVideo.create, prompt: 'p', imageUrls: ', ,\n,' }, 'Image URLs', /empty/],
		['4k with veo31-fast', { spec: textToVideo.create, ...base, options: { resolution: '4k' } }, 'Resolution', /'4k' in 'Resolution' is available only/],
		['empty video id', { spec: get1080p.create, model: 'veo3', videoId: '' }, 'Video ID', /empty/],
		['whitespace video id', { spec: get1080p.create, model: 'veo3', videoId: '   ' }, 'Video ID', /empty/],
	];

	it.each(refused)('refuses %s, naming the field', (_case, input, field, message) => {
		let error: unknown;
		try {
			buildCreateRequest(input);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(InputError);
		expect((error as InputError).field).toBe(field);
		expect((error as InputError).message).toMatch(message);
	});
});
