export type Caught<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs a step and reports how it ended instead of throwing, so callers can decide (retry, fail one
 * item, wrap in a NodeApiError) in plain code rather than inside catch blocks, where n8n's scanner
 * allows only NodeApiError and NodeOperationError to be thrown.
 */
export async function caught<T>(step: () => Promise<T>): Promise<Caught<T>> {
	try {
		return { ok: true, value: await step() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** The same for a step that does not wait. */
export function caughtSync<T>(step: () => T): Caught<T> {
	try {
		return { ok: true, value: step() };
	} catch (error) {
		return { ok: false, error };
	}
}
