import { binaryImagesOf } from '../../../../nodes/Veo/helpers/binaryImageRefs';

describe('binaryImagesOf: which binary properties hold the images', () => {
	it.each([undefined, '', 'url'])('is undefined for the URL source (%p), the default of older workflows', (imageSource) => {
		expect(binaryImagesOf({ operation: 'imageToVideo', imageSource }, 3)).toBeUndefined();
	});

	it('takes the first frame, then the optional last frame', () => {
		expect(binaryImagesOf({ operation: 'imageToVideo', imageSource: 'binary', firstFrameBinaryField: ' data ', lastFrameBinaryField: '' }, 3)).toEqual([
			{ field: 'First Frame Binary Field', property: 'data' },
		]);
		expect(binaryImagesOf({ operation: 'imageToVideo', imageSource: 'binary', firstFrameBinaryField: 'a', lastFrameBinaryField: 'b' }, 3)).toEqual([
			{ field: 'First Frame Binary Field', property: 'a' },
			{ field: 'Last Frame Binary Field', property: 'b' },
		]);
	});

	it('takes 1 to 3 ingredients, from text or an array', () => {
		expect(binaryImagesOf({ operation: 'ingredientsToVideo', imageSource: 'binary', imageBinaryFields: ['a', 'b'] }, 3)?.map((ref) => ref.property)).toEqual(['a', 'b']);
		expect(() => binaryImagesOf({ operation: 'ingredientsToVideo', imageSource: 'binary', imageBinaryFields: '' }, 3)).toThrow(
			"The 'Image Binary Fields' field names 0 binary properties, but ingredients to video takes 1 to 3",
		);
	});

	it('refuses an empty first frame, two names in one frame, and an unknown source', () => {
		expect(() => binaryImagesOf({ operation: 'imageToVideo', imageSource: 'binary', firstFrameBinaryField: '' }, 3)).toThrow("The 'First Frame Binary Field' field is empty");
		expect(() => binaryImagesOf({ operation: 'imageToVideo', imageSource: 'binary', firstFrameBinaryField: 'a,b' }, 3)).toThrow(
			"The 'First Frame Binary Field' field names 2 binary properties, but it takes one",
		);
		expect(() => binaryImagesOf({ operation: 'imageToVideo', imageSource: 'file' }, 3)).toThrow("'file' is not a valid choice for 'Image Source'");
	});
});
