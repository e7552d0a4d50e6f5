/**
 * How long to wait before asking again after a passing failure (the service said "too many requests"
 * without a Retry-After, or a read failed): exponential from `firstMs`, capped, with jitter so that
 * many executions sharing a token do not retry in lockstep.
 */
export function backoffMs(attempt: number, random: () => number = Math.random, firstMs = 1000): number {
	const ceiling = Math.min(30_000, firstMs * 2 ** Math.max(0, attempt));
	return Math.round(ceiling * (0.5 + random() / 2));
}
