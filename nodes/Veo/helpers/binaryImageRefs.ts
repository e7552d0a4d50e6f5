import type { CreateSpec } from './createSpec';
import { oneEntry } from './fieldValues';
import { InputError } from './inputError';
import { parseTextList } from './inputList';

/** One image taken from a binary property of the input item; `field` is how the panel names it. */
export interface BinaryImageRef {
	field: string;
	property: string;
}

/** What an item says about its images when they come from binary properties. */
export interface BinaryImageInput {
	spec: Pick<CreateSpec, 'images'>;
	imageSource?: unknown;
	firstFrameBinaryField?: unknown;
	lastFrameBinaryField?: unknown;
	imageBinaryFields?: unknown;
}

export const FIRST_FRAME_FIELD = 'First Frame Binary Field';
export const LAST_FRAME_FIELD = 'Last Frame Binary Field';
export const INGREDIENT_FIELDS = 'Image Binary Fields';

/**
 * The binary images of an item, in the order the service takes them (first frame, then last; or the
 * ingredients as listed), or undefined when its images are URLs. URL is the default: workflows made
 * before the choice existed have no `imageSource` and run as they did.
 */
export function binaryImagesOf(input: BinaryImageInput): BinaryImageRef[] | undefined {
	const source = input.imageSource;
	if (source === undefined || source === null || source === '' || source === 'url') return undefined;
	if (source !== 'binary') {
		throw new InputError('Image Source', `'${String(source)}' is not a valid choice for 'Image Source'`, 'Pick URL or Binary Field.');
	}
	if (input.spec.images?.layout === 'frames') {
		const first = single(input.firstFrameBinaryField, FIRST_FRAME_FIELD, true) as BinaryImageRef;
		const last = single(input.lastFrameBinaryField, LAST_FRAME_FIELD, false);
		return last ? [first, last] : [first];
	}
	if (input.spec.images?.layout === 'references') {
		const refs = refsIn(input.imageBinaryFields, INGREDIENT_FIELDS);
		const maxIngredients = input.spec.images.maxImages ?? 1;
		if (refs.length === 0 || refs.length > maxIngredients) {
			throw new InputError(
				INGREDIENT_FIELDS,
				`The '${INGREDIENT_FIELDS}' field names ${refs.length} binary properties, but ingredients to video takes 1 to ${maxIngredients}`,
				'Give the names of 1 to 3 binary properties of the input item, separated by commas (for example: data, product).',
			);
		}
		return refs;
	}
	return undefined;
}

function refsIn(value: unknown, field: string): BinaryImageRef[] {
	return parseTextList(value, field).map((property) => ({ field, property }));
}

function single(value: unknown, field: string, required: boolean): BinaryImageRef | undefined {
	return oneEntry(refsIn(value, field), field, {
		required,
		whenEmpty: 'Give the name of the binary property that holds the image, such as data.',
		holds: (count) => `names ${count} binary properties`,
	});
}

/**
 * The item's binary property of that name, if the item has one of its own. A name such as
 * `__proto__`, `constructor` or `toString` must not find what every JavaScript object inherits.
 */
export function ownBinary<T>(binaries: Record<string, T> | undefined, property: string): T | undefined {
	return binaries && Object.prototype.hasOwnProperty.call(binaries, property) ? binaries[property] : undefined;
}
