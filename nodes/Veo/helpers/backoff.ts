/**
 * How long to wait before asking again after the service said "too many requests" without a
 * Retry-After: exponential from one second, capped, with jitter so that many executions sharing a
 * token do not retry in lockstep.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
	const ceiling = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
	return Math.round(ceiling * (0.5 + random() / 2));
}
