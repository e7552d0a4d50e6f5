import * as imageToVideo from '../../../../nodes/Veo/actions/imageToVideo.operation';
import * as ingredientsToVideo from '../../../../nodes/Veo/actions/ingredientsToVideo.operation';
import { binaryImagesOf } from '../../../../nodes/Veo/helpers/binaryImageRefs';

describe('binaryImagesOf: which binary properties hold the images', () => {
	it.each([undefined, '', 'url'])('is undefined for the URL source (%p), the default of older workflows', (imageSource) => {
		expect(binaryImagesOf({ spec: imageToVideo.create, imageSource })).toBeUndefined();
	});

	it('takes the first frame, then the optional last frame', () => {
		expect(binaryImagesOf({ spec: imageToVideo.create, imageSource: 'binary', firstFrameBinaryField: ' data ', lastFrameBinaryField: '' })).toEqual([
			{ field: 'First Frame Binary Field', property: 'data' },
		]);
		expect(binaryImagesOf({ spec: imageToVideo.create, imageSource: 'binary', firstFrameBinaryField: 'a', lastFrameBinaryField: 'b' })).toEqual([
			{ field: 'First Frame Binary Field', property: 'a' },
			{ field: 'Last Frame Binary Field', property: 'b' },
		]);
	});

	it('takes 1 to 3 ingredients, from text or an array', () => {
		expect(binaryImagesOf({ spec: ingredientsToVideo.create, imageSource: 'binary', imageBinaryFields: ['a', 'b'] })?.map((ref) => ref.property)).toEqual(['a', 'b']);
		expect(() => binaryImagesOf({ spec: ingredientsToVideo.create, imageSource: 'binary', imageBinaryFields: '' })).toThrow(
			"The 'Image Binary Fields' field names 0 binary properties, but ingredients to video takes 1 to 3",
		);
	});

	it('refuses an empty first frame, two names in one frame, and an unknown source', () => {
		expect(() => binaryImagesOf({ spec: imageToVideo.create, imageSource: 'binary', firstFrameBinaryField: '' })).toThrow("The 'First Frame Binary Field' field is empty");
		expect(() => binaryImagesOf({ spec: imageToVideo.create, imageSource: 'binary', firstFrameBinaryField: 'a,b' })).toThrow(
			"The 'First Frame Binary Field' field names 2 binary properties, but it takes one",
		);
		expect(() => binaryImagesOf({ spec: imageToVideo.create, imageSource: 'file' })).toThrow("'file' is not a valid choice for 'Image Source'");
	});
});
