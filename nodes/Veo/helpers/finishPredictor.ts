/**
 * Learns how long this batch's tasks take, so the engine can look right when a task should be done
 * instead of up to a whole poll interval later: with few slots, every lost second repeats once per
 * "generation" of tasks. Each finished task bounds the duration from both sides (it was still running
 * at the previous look, and done at this one); the next look goes to the middle of what is still
 * uncertain, then to the upper bound. Regular polling remains the fallback when tasks vary.
 */
export class FinishPredictor {
	private lowerMs = 0;

	private upperMs = Infinity;

	/** A task submitted at `submittedAt`, still running at `lastRunningAt`, was seen done at `seenDoneAt`. */
	learn(submittedAt: number, lastRunningAt: number, seenDoneAt: number): void {
		this.upperMs = Math.min(this.upperMs, seenDoneAt - submittedAt);
		this.lowerMs = Math.max(this.lowerMs, lastRunningAt - submittedAt);
	}

	/** When to look at a task next; Infinity when nothing is known yet, or the task is past all estimates. */
	nextLook(submittedAt: number, lastRunningAt: number): number {
		if (this.upperMs === Infinity) return Infinity;
		const upper = submittedAt + this.upperMs;
		if (lastRunningAt >= upper) return Infinity;
		const middle = submittedAt + (this.lowerMs + this.upperMs) / 2;
		if (this.upperMs - this.lowerMs > RESOLUTION_MS && lastRunningAt < middle) return middle;
		return upper;
	}
}

/** Narrowing the estimate further than this is not worth an extra request. */
const RESOLUTION_MS = 250;
