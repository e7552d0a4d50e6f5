import { InputError } from './inputError';
import { describeValue } from './inputList';
import { isWebAddress } from './webAddress';

/**
 * The checks of one field's value, pure and in the user's words: each names the field as the panel
 * shows it and throws an InputError. The readers of an item's parameters (requestBody.ts,
 * binaryImageRefs.ts) call them in the order they read; nothing here calls back.
 */

/** Reads a text field that may be left empty; anything but text (or a number) is a mistake in an expression. */
export function optionalText(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	if (typeof value !== 'string') {
		throw new InputError(
			field,
			`The '${field}' field must be text, but its expression gave ${describeValue(value)}`,
			'Check the expression in this field: it must give text, for example {{ $json.text }} rather than {{ $json }}.',
		);
	}
	const trimmed = value.trim();
	return trimmed === '' ? undefined : trimmed;
}

export function requireText(value: unknown, field: string, what: string): string {
	const text = optionalText(value, field);
	if (text === undefined) throw new InputError(field, `The '${field}' field is empty`, `Enter ${what}.`);
	return text;
}

/** What a one-value field holds, described for the message: "holds 2 URLs", "names 2 binary properties". */
export interface OneEntryWords {
	required: boolean;
	/** The hint when a required field is empty. */
	whenEmpty: string;
	holds: (count: number) => string;
	/** The hint when it holds more than one. */
	whenMany?: string;
}

/** The one entry of a field that takes one (undefined when it is empty and optional); more is a mistake. */
export function oneEntry<T>(entries: T[], field: string, words: OneEntryWords): T | undefined {
	if (entries.length === 0) {
		if (!words.required) return undefined;
		throw new InputError(field, `The '${field}' field is empty`, words.whenEmpty);
	}
	if (entries.length > 1) throw new InputError(field, `The '${field}' field ${words.holds(entries.length)}, but it takes one`, words.whenMany);
	return entries[0];
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
	if ((allowed as readonly string[]).includes(value)) return value as T;
	throw new InputError(field, `'${shown(value)}' is not a valid choice for '${field}'`, `Pick one of: ${allowed.join(', ')}.`);
}

/** Accepts only absolute web addresses; the service cannot fetch anything else. */
export function requireUrl(value: string, field: string, protocols = ['http:', 'https:']): string {
	const kinds = protocols.map((protocol) => protocol.replace(':', '')).join(' or ');
	if (!isWebAddress(value)) {
		throw new InputError(field, `'${shown(value)}' in '${field}' is not a web address`, `Use a full ${kinds} URL, such as https://example.com/picture.png.`);
	}
	if (!isWebAddress(value, protocols)) {
		throw new InputError(field, `'${shown(value)}' in '${field}' must be an ${kinds} address`, `Use an ${kinds} URL.`);
	}
	return value;
}

/** A value quoted back in a message, cut short: a pasted data: URL can be megabytes long. */
export function shown(value: string): string {
	return value.length > 80 ? `${value.slice(0, 77)}...` : value;
}
