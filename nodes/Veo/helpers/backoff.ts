/**
 * How long to wait before asking again after a passing failure (the service said "too many requests"
 * without a Retry-After, or a read failed): exponential from `firstMs`, capped, with jitter so that
 * many executions sharing a token do not retry in lockstep.
 */
export function backoffMs(attempt: number, random: () => number = Math.random, firstMs = 1000): number {
	const ceiling = Math.min(30_000, firstMs * 2 ** Math.max(0, attempt));
	return Math.round(ceiling * (0.5 + random() / 2));
}

/** Asking about a refused create less often than this helps nobody: slots free up within minutes. */
export const REFUSAL_CAP_MS = 30_000;

/** The cap in submit spacings, so that a service announcing a short spacing is asked proportionally sooner. */
const REFUSAL_CAP_FLOORS = 15;

/**
 * The pause after the `refusalsInARow`-th refused create in a row: doubling from the floor (the
 * service's submit spacing: a faster retry is refused anyway) with jitter between one and two steps,
 * up to 15 floors and never more than 30 s, so that runs sharing a token spread out and a slot that
 * frees up is found within half a minute.
 */
export function refusalBackoffMs(refusalsInARow: number, floorMs: number, random: () => number = Math.random): number {
	const capMs = Math.min(REFUSAL_CAP_MS, floorMs * REFUSAL_CAP_FLOORS);
	return Math.max(floorMs, Math.min(capMs, backoffMs(refusalsInARow - 1, random, 2 * floorMs)));
}
