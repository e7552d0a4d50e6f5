/**
 * Turns what a user may type or map into a list field (one value, values separated by commas or new
 * lines, or an array from an expression) into clean strings: trimmed, blanks dropped, duplicates kept
 * out in first-seen order.
 */
export function parseList(value: unknown): string[] {
	const parts: unknown[] = Array.isArray(value) ? value.flat() : [value];
	const seen = new Set<string>();
	for (const part of parts) {
		if (part === undefined || part === null) continue;
		for (const piece of String(part).split(/[\n,]/)) {
			const trimmed = piece.trim();
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
