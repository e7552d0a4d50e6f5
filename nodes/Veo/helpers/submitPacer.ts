/**
 * Decides when the next create request may go out. Ace Data Cloud limits each token to a few videos
 * in the making and to a submission rate, but publishes neither per account; both are learned here
 * from its 429 answers (a 429 creates nothing, so probing is free):
 *
 * - a refusal while we were not yet pacing submissions is taken as the rate limit: ask again after
 *   a short, growing step; once a submit is accepted, that spacing is known to work, and the next
 *   submits try halfway between it and the longest spacing refused, until the two are close;
 * - a refusal although the learned spacing was respected (or after waiting longer than any rate
 *   limit plausibly needs) is the concurrency limit: hold further submits until a task finishes.
 *
 * Pure: the caller tells it the time and what happened.
 */
export class SubmitPacer {
	/** The shortest spacing between submits known to be accepted (0 = no rate limit seen yet). */
	private gapMs = 0;

	/** The longest spacing known to be refused for the rate. */
	private tooShortMs = 0;

	private learnedCap = Infinity;

	private lastAcceptAt = -Infinity;

	private retryAt = -Infinity;

	/** Refusals since the last accepted submit, while the rate was the suspect. */
	private rateRefusals = 0;

	private lastRefusalAt = -Infinity;

	/** Set after an ambiguous refusal: the next try uses the known-good spacing. */
	private untrusted = false;

	/** The most tasks we had in the making when a submit was still accepted: slots up to there are real. */
	private mostInFlightAccepted = -1;

	constructor(private readonly userCap = Infinity) {}

	/** How many tasks may be in the making at once, as far as we know. */
	get cap(): number {
		return Math.min(this.userCap, this.learnedCap);
	}

	/** Earliest time to try the next submit; Infinity while we must wait for a task to finish. */
	nextAttemptAt(inFlight: number): number {
		if (inFlight >= this.cap) return Infinity;
		return Math.max(this.lastAcceptAt + this.trialSpacing(), this.retryAt);
	}

	/** The spacing to try next: the known-good one, or halfway down towards the known-bad one. */
	private trialSpacing(): number {
		if (this.untrusted) return this.gapMs;
		const uncertainty = this.gapMs - this.tooShortMs;
		if (this.gapMs === 0 || uncertainty <= Math.max(RESOLUTION_MS, this.gapMs * RESOLUTION_SHARE)) return this.gapMs;
		return this.tooShortMs + uncertainty / 2;
	}

	/** A submit was accepted while `inFlight` of our tasks were in the making. */
	accepted(now: number, inFlight = 0): void {
		this.mostInFlightAccepted = Math.max(this.mostInFlightAccepted, inFlight);
		const spacing = now - this.lastAcceptAt;
		const learning = this.rateRefusals > 0 || this.gapMs > 0;
		if (learning && spacing <= MAX_RATE_GAP_MS && (this.gapMs === 0 || spacing < this.gapMs)) this.gapMs = spacing;
		this.rateRefusals = 0;
		this.untrusted = false;
		this.lastAcceptAt = now;
	}

	/** A 429 on submit. `inFlight` counts our tasks not yet seen finished. */
	refused(now: number, inFlight: number, retryAfterMs?: number): void {
		this.lastRefusalAt = now;
		const paced = this.gapMs > 0 && now - this.lastAcceptAt >= this.gapMs;
		const waitedPastAnyRate = this.rateRefusals >= MAX_RATE_REFUSALS;
		if (inFlight > 0 && (paced || waitedPastAnyRate)) {
			this.learnedCap = inFlight;
			this.rateRefusals = 0;
			if (retryAfterMs !== undefined) this.retryAt = now + retryAfterMs;
			return;
		}
		const spacing = now - this.lastAcceptAt;
		if (this.gapMs > 0 && inFlight > this.mostInFlightAccepted) {
			// Tried a shorter spacing with more tasks in the making than ever accepted: either limit
			// could have refused. Learn nothing; the next try uses the known-good spacing, and a
			// refusal then can only be the slots.
			this.retryAt = Math.max(now, this.lastAcceptAt + this.gapMs, now + (retryAfterMs ?? 0));
			this.untrusted = true;
			return;
		}
		this.rateRefusals++;
		if (spacing > this.tooShortMs && (this.gapMs === 0 || spacing < this.gapMs)) this.tooShortMs = spacing;
		// Until one spacing is known to work, grow the pause; after that, bisection sets the next try.
		const step = this.gapMs === 0 ? FIRST_STEP_MS * STEP_GROWTH ** (this.rateRefusals - 1) : 0;
		this.retryAt = now + Math.max(retryAfterMs ?? 0, step);
	}

	/**
	 * Tasks were seen finishing: slots are free again. A learned cap is probed one higher now and
	 * then, since other work on the same token may have been holding slots when it was learned.
	 */
	finished(now: number): void {
		if (this.learnedCap !== Infinity && now - this.lastRefusalAt >= PROBE_AFTER_MS) this.learnedCap++;
	}
}

/** No service rate limit needs more than this between submits; longer waits mean concurrency. */
const MAX_RATE_GAP_MS = 10_000;
const FIRST_STEP_MS = 250;
const STEP_GROWTH = 1.5;
/** 250 ms growing by 1.5 six times adds up to about 5 s of asking. */
const MAX_RATE_REFUSALS = 6;
const PROBE_AFTER_MS = 30_000;
/** Close enough: narrowing the spacing further is not worth another refusal. */
const RESOLUTION_MS = 20;
const RESOLUTION_SHARE = 0.05;
