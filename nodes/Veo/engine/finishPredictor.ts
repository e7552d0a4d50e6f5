/**
 * Learns how long this batch's tasks take, so the engine can look right when a task should be done
 * instead of up to a whole poll interval later: with few slots, every lost second repeats once per
 * "generation" of tasks. Each finished task bounds its duration from both sides (it was still running
 * at the previous look, and done at this one).
 *
 * - While every task seen could have taken the same time (their bounds overlap, give or take a quarter
 *   second of timing noise), that common duration
 *   is narrowed down: the next look goes to the middle of what is still uncertain, then to its upper end.
 * - Once tasks are seen to vary, a task is looked at when its age reaches the shortest duration seen,
 *   then at the longest, and left to regular polling in between and after (every look is a query
 *   round: the Poll Interval is the user's word on how often to ask).
 */
export class FinishPredictor {
	/** The duration every finished task could have had, if there is one: [commonLowMs, commonHighMs]. */
	private commonLowMs = 0;

	private commonHighMs = Infinity;

	/** The range of durations seen, from the shortest a task may have taken to the longest. */
	private shortestMs = Infinity;

	private longestMs = -Infinity;

	/** A task submitted at `submittedAt`, still running at `lastRunningAt`, was seen done at `seenDoneAt`. */
	learn(submittedAt: number, lastRunningAt: number, seenDoneAt: number): void {
		const lower = lastRunningAt - submittedAt;
		const upper = seenDoneAt - submittedAt;
		this.commonLowMs = Math.max(this.commonLowMs, lower);
		this.commonHighMs = Math.min(this.commonHighMs, upper);
		this.shortestMs = Math.min(this.shortestMs, lower);
		this.longestMs = Math.max(this.longestMs, upper);
	}

	/** When to look at a task next; Infinity when nothing is known yet, or the task is past all estimates. */
	nextLook(submittedAt: number, lastRunningAt: number): number {
		if (this.longestMs === -Infinity) return Infinity;
		// Bounds that miss each other by less than the resolution are timing noise, not tasks that vary.
		if (this.commonLowMs > this.commonHighMs + RESOLUTION_MS) return this.lookWithinRange(submittedAt, lastRunningAt);
		const upper = submittedAt + this.commonHighMs;
		if (lastRunningAt >= upper) return Infinity;
		const middle = submittedAt + (this.commonLowMs + this.commonHighMs) / 2;
		if (this.commonHighMs - this.commonLowMs > RESOLUTION_MS && lastRunningAt < middle) return middle;
		return upper;
	}

	private lookWithinRange(submittedAt: number, lastRunningAt: number): number {
		const first = submittedAt + this.shortestMs;
		const last = submittedAt + this.longestMs;
		if (lastRunningAt >= last) return Infinity;
		return lastRunningAt < first ? first : last;
	}
}

/** Narrowing the estimate further, or looking more often, is not worth an extra request. */
const RESOLUTION_MS = 250;
