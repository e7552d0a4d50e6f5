import { InputError } from './inputError';

/**
 * The largest image the node uploads. Ace Data Cloud's web app takes up to 100 MB, but a frame for a
 * video needs far less, and the limit keeps a mistaken binary (a video, a PDF) from being uploaded.
 */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

export type ImageKind = 'png' | 'jpeg' | 'webp';

const MIME_TYPES: Record<ImageKind, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };

/** How many leading bytes `imageKindOf` needs to look at. */
export const MAGIC_BYTES_NEEDED = 12;

/** The image kind the file's first bytes announce, if any of the three Veo takes. */
export function imageKindOf(head: Uint8Array): ImageKind | undefined {
	const bytes = (...values: number[]) => values.every((value, index) => head[index] === value);
	if (bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
	if (bytes(0xff, 0xd8, 0xff)) return 'jpeg';
	const ascii = (from: number, text: string) => Buffer.from(head.subarray(from, from + text.length)).toString('latin1') === text;
	if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'webp';
	return undefined;
}

/** What n8n knows of one binary property before its bytes are read. */
export interface BinaryFacts {
	field: string;
	/** The binary property's name on the item. */
	property: string;
	mimeType?: string;
	fileName?: string;
	/** Bytes, when n8n knows it. */
	size?: number;
}

/** The checked image, ready to upload under a file name whose extension matches its bytes. */
export interface CheckedImage {
	kind: ImageKind;
	mimeType: string;
	fileName: string;
}

/**
 * Checks that a binary is a png, jpeg or webp image within the size limit, by both its declared type
 * and its first bytes (a renamed file or a mislabelled download is caught before anything is paid).
 */
export function checkImage(facts: BinaryFacts, head: Uint8Array): CheckedImage {
	const { field, property } = facts;
	const where = `binary field '${property}'`;
	const declared = (facts.mimeType ?? '').toLowerCase().split(';')[0].trim();
	const allowed = Object.values(MIME_TYPES);
	if (!allowed.includes(declared) && declared !== 'image/jpg') {
		throw new InputError(
			field,
			`The ${where} holds '${declared || 'an unknown type'}', not a png, jpeg or webp image`,
			'Veo animates png, jpeg and webp images. Convert the file first (for example with the Edit Image node).',
		);
	}
	if (facts.size !== undefined && facts.size > MAX_IMAGE_BYTES) {
		throw new InputError(
			field,
			`The image in the ${where} is ${megabytes(facts.size)} MB, more than the ${megabytes(MAX_IMAGE_BYTES)} MB the node uploads`,
			'Make the image smaller (for example with the Edit Image node), or host it yourself and give its URL.',
		);
	}
	const kind = imageKindOf(head);
	if (!kind) {
		throw new InputError(
			field,
			`The ${where} is labelled '${declared}', but its content is not a png, jpeg or webp image`,
			'Check the node that made this binary: it may have stored an error page or another kind of file.',
		);
	}
	const base = (facts.fileName ?? '').replace(/\.[^./\\]*$/, '').replace(/[^\w.-]+/g, '_') || property;
	return { kind, mimeType: MIME_TYPES[kind], fileName: `${base}.${kind === 'jpeg' ? 'jpg' : kind}` };
}

function megabytes(bytes: number): string {
	return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
}
