import { InputError } from './inputError';

/** Ids and names never hold commas or new lines, so both separate entries. */
export const LIST_SEPARATOR = /[\n,]/;

/**
 * Web addresses may hold commas (image CDNs put resizing options in the path, such as w_400,h_300,
 * and a data: URL always has one), so in a list of URLs a comma separates two entries only when the
 * next one starts with a scheme (https:, ftp:, ...). New lines always separate.
 */
export const URL_LIST_SEPARATOR = /\n|,\s*(?=[a-z][a-z0-9+.-]*:)/i;

/**
 * Turns what a user may type or map into a list field (one value, values separated by commas or new
 * lines, or an array from an expression) into clean strings: trimmed, blanks dropped, duplicates kept
 * out in first-seen order.
 */
export function parseList(value: unknown, separator: RegExp = LIST_SEPARATOR): string[] {
	const parts: unknown[] = Array.isArray(value) ? value.flat() : [value];
	const seen = new Set<string>();
	for (const part of parts) {
		if (part === undefined || part === null) continue;
		for (const piece of String(part).split(separator)) {
			// Stray commas around an entry (a trailing one, or a list of only commas) are not part of it.
			const trimmed = piece.replace(/^[\s,]+|[\s,]+$/g, '');
			if (trimmed) seen.add(trimmed);
		}
	}
	return [...seen];
}

/** Splits a list into consecutive chunks of at most `size` elements. */
export function chunk<T>(values: T[], size: number): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += size) {
		chunks.push(values.slice(start, start + size));
	}
	return chunks;
}

/**
 * What an expression produced, in words for someone who did not write the expression: "a list",
 * "a set of fields", "the yes/no value true". Used when a text field got something that is not text.
 */
export function describeValue(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (typeof value === 'boolean') return `the yes/no value ${String(value)}`;
	if (value instanceof Date) return 'a date';
	if (value && typeof value === 'object') return 'a set of fields (an object)';
	if (typeof value === 'number') return 'a number that is not valid';
	return 'something that is not text';
}

/**
 * parseList for a field that must hold text only: an object or a yes/no value among the entries is
 * an expression that points at the wrong thing, and turning it into "[object Object]" would only
 * hide the mistake behind a confusing message later.
 */
export function parseTextList(value: unknown, field: string, separator: RegExp = LIST_SEPARATOR): string[] {
	const parts: unknown[] = Array.isArray(value) ? value.flat(Infinity) : [value];
	const odd = parts.find(
		(part) => part !== undefined && part !== null && typeof part !== 'string' && !(typeof part === 'number' && Number.isFinite(part)),
	);
	if (odd !== undefined) {
		throw new InputError(
			field,
			`The '${field}' field must hold text, but its expression gave ${describeValue(odd)}`,
			'Check the expression in this field: it must give text, or a list of texts.',
		);
	}
	return parseList(parts, separator);
}
