/**
 * How long Ace Data Cloud has been refusing new videos (429) without a break. An item waiting to be
 * submitted fails for refusals only once the service has refused it for its whole Max Wait in a row:
 * time spent queued behind the node's own tasks is not a refusal. The streak is broken by an
 * accepted create, and by one of our own tasks finishing (its slot is ours to use next).
 */
export class RefusalStreak {
	private since?: number;

	refused(now: number): void {
		this.since ??= now;
	}

	broken(): void {
		this.since = undefined;
	}

	/** How long the service has refused without a break, at `now` (0 when it is not refusing). */
	lastedMs(now: number): number {
		return this.since === undefined ? 0 : now - this.since;
	}

	/** When a refusal would complete `maxWaitMs` of them in a row; Infinity while nothing is refused. */
	outlastsAt(maxWaitMs: number): number {
		return this.since === undefined ? Infinity : this.since + maxWaitMs;
	}
}
