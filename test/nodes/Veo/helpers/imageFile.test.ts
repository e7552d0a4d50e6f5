import { checkImage, imageKindOf, MAX_IMAGE_BYTES } from '../../../../nodes/Veo/helpers/imageFile';
import { InputError } from '../../../../nodes/Veo/helpers/inputError';

const PNG = Buffer.from('89504e470d0a1a0a0000000d', 'hex');
const JPEG = Buffer.from('ffd8ffe000104a4649460001', 'hex');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([1, 2, 3, 4]), Buffer.from('WEBP')]);
const HTML = Buffer.from('<!doctype html>');

describe('imageKindOf: what the first bytes say', () => {
	it.each([
		['png', PNG],
		['jpeg', JPEG],
		['webp', WEBP],
	])('knows %s by its magic bytes', (kind, head) => expect(imageKindOf(head)).toBe(kind));

	it.each([
		['an HTML page', HTML],
		['a RIFF file that is not WebP (a WAV)', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')])],
		['a GIF', Buffer.from('GIF89a')],
		['nothing', Buffer.alloc(0)],
	])('knows %s is none of them', (_what, head) => expect(imageKindOf(head)).toBeUndefined());
});

describe('checkImage: a binary is a png, jpeg or webp within the size limit', () => {
	const facts = { field: 'First Frame Binary Field', property: 'data', mimeType: 'image/png', fileName: 'cat photo.PNG', size: 1000 };
	const failure = (run: () => unknown) => {
		try {
			run();
		} catch (error) {
			return error as InputError;
		}
		throw new Error('expected an InputError');
	};

	it('names the upload by the kind its bytes show, keeping the base of the file name', () => {
		expect(checkImage(facts, PNG)).toEqual({ kind: 'png', mimeType: 'image/png', fileName: 'cat_photo.png' });
		expect(checkImage({ ...facts, mimeType: 'image/jpg', fileName: undefined }, JPEG)).toEqual({ kind: 'jpeg', mimeType: 'image/jpeg', fileName: 'data.jpg' });
	});

	it('refuses a type that is not one of the three images, naming the field and the property', () => {
		const error = failure(() => checkImage({ ...facts, mimeType: 'application/pdf' }, PNG));
		expect(error).toBeInstanceOf(InputError);
		expect(error.field).toBe('First Frame Binary Field');
		expect(error.message).toBe("The binary field 'data' holds 'application/pdf', not a png, jpeg or webp image");
	});

	it('refuses bytes that are not an image even when labelled as one', () => {
		expect(failure(() => checkImage(facts, HTML)).message).toBe(
			"The binary field 'data' is labelled 'image/png', but its content is not a png, jpeg or webp image",
		);
	});

	it(`refuses more than ${MAX_IMAGE_BYTES} bytes, and takes exactly that many`, () => {
		expect(failure(() => checkImage({ ...facts, size: MAX_IMAGE_BYTES + 1 }, PNG)).message).toBe(
			"The image in the binary field 'data' is 20 MB, more than the 20 MB the node uploads",
		);
		expect(checkImage({ ...facts, size: MAX_IMAGE_BYTES }, PNG).kind).toBe('png');
	});
});
