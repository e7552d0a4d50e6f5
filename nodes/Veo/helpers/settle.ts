export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs a step and reports how it ended instead of throwing, so callers can decide (retry, fail one
 * item, wrap in a NodeApiError) in plain code rather than inside catch blocks, where n8n's scanner
 * allows only NodeApiError and NodeOperationError to be thrown.
 */
export async function settle<T>(step: () => Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await step() };
	} catch (error) {
		return { ok: false, error };
	}
}

/** The same for a step that does not wait. */
export function settleSync<T>(step: () => T): Settled<T> {
	try {
		return { ok: true, value: step() };
	} catch (error) {
		return { ok: false, error };
	}
}
