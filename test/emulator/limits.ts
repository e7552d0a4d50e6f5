/**
 * The service's per-token limits on creates: unfinished tasks in flight, and a submit rate
 * (a token bucket holding one token, so the gap between accepted creates is at least 1/rate).
 */
export interface LimitSettings {
	maxInFlight: number;
	submitsPerSecond: number;
	retryAfterSeconds?: number;
}

export class Limiter {
	private readonly lastAcceptedAt = new Map<string, number>();

	constructor(private readonly settings: LimitSettings) {}

	/** Why a create must be refused with 429, or undefined when it may go ahead. */
	refusal(token: string, now: number, inFlight: number): string | undefined {
		const { maxInFlight, submitsPerSecond } = this.settings;
		if (inFlight >= maxInFlight) return `too many tasks in flight (${inFlight} of ${maxInFlight})`;
		const last = this.lastAcceptedAt.get(token);
		// Only accepted creates count: a refused one must not push the next slot further away.
		if (last !== undefined && now - last < 1000 / submitsPerSecond) {
			return `too many requests (at most ${submitsPerSecond} per second)`;
		}
		return undefined;
	}

	accepted(token: string, now: number): void {
		this.lastAcceptedAt.set(token, now);
	}

	retryAfterHeaders(): Record<string, string> {
		const { retryAfterSeconds } = this.settings;
		return retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) };
	}

	reset(): void {
		this.lastAcceptedAt.clear();
	}
}
