import { refusalBackoffMs } from '../helpers/backoff';

/**
 * Decides when the next create request may go out. Ace Data Cloud limits each token to a few videos
 * in the making and to a submission rate, but publishes neither per account; both are learned here
 * from its 429 answers (a 429 creates nothing, so probing is free):
 *
 * - a refusal right after an accepted submit, sooner than the service's spacing, is taken as the
 *   rate limit; once a submit is accepted, that spacing is known to work, and the next submits try
 *   halfway between it and the longest spacing refused, until the two are close;
 * - a refusal although the service's spacing was respected, while tasks of ours are in the making,
 *   is the concurrency limit: hold further submits until one of them finishes;
 * - any other refusal (the slots are held by work we cannot see: other executions on the same
 *   token) backs off from the floor, doubling with jitter up to the cap (backoff.ts).
 *
 * Whatever the case, after a refusal the next try waits at least the floor: the service's
 * Retry-After when it sends one, else its documented spacing of about 2 s. So while the service
 * refuses, this node sends at most one create per floor interval, however many items wait.
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

	/** Refusals since the last accepted submit (or the last task of ours that finished). */
	private refusalsInARow = 0;

	private lastRefusalAt = -Infinity;

	/** The floor of the last refusal: the service's own time scale. */
	private lastFloorMs = SUBMIT_FLOOR_MS;

	/** A refusal since the last accepted submit came sooner than the service's spacing: the rate is being learned. */
	private rateRefused = false;

	/** Set after an ambiguous refusal: the next try uses the known-good spacing. */
	private untrusted = false;

	/** The most tasks we had in the making when a submit was still accepted: slots up to there are real. */
	private mostInFlightAccepted = -1;

	constructor(
		private readonly userCap = Infinity,
		private readonly random: () => number = Math.random,
	) {}

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
		const learning = this.rateRefused || this.gapMs > 0;
		if (learning && spacing <= MAX_RATE_GAP_MS && (this.gapMs === 0 || spacing < this.gapMs)) this.gapMs = spacing;
		this.refusalsInARow = 0;
		this.rateRefused = false;
		this.untrusted = false;
		this.lastAcceptAt = now;
	}

	/** A 429 on submit. `inFlight` counts our tasks not yet seen finished. */
	refused(now: number, inFlight: number, retryAfterMs?: number): void {
		this.lastRefusalAt = now;
		this.refusalsInARow++;
		const floor = floorMs(retryAfterMs);
		this.lastFloorMs = floor;
		const spacing = now - this.lastAcceptAt;
		const waitAtLeast = (at: number) => {
			this.retryAt = Math.max(at, now + floor);
		};
		if (this.gapMs > 0 && spacing < this.gapMs) {
			this.rateRefused = true;
			if (inFlight > this.mostInFlightAccepted) {
				// A shorter spacing with more tasks in the making than ever accepted: either limit could
				// have refused. Learn nothing; a refusal at the known-good spacing can only be the slots.
				this.untrusted = true;
			} else {
				this.tooShortMs = Math.max(this.tooShortMs, spacing);
			}
			return waitAtLeast(this.lastAcceptAt + this.gapMs);
		}
		const paced = this.gapMs > 0 || spacing >= floor;
		if (inFlight > 0 && paced) {
			this.learnedCap = inFlight;
			return waitAtLeast(now);
		}
		if (spacing < floor) {
			// Sooner than the service's spacing after an accepted submit: the rate. One floor later is
			// exactly what it asks; jitter would only lose time.
			this.rateRefused = true;
			this.tooShortMs = Math.max(this.tooShortMs, spacing);
			return waitAtLeast(now);
		}
		waitAtLeast(now + refusalBackoffMs(this.refusalsInARow, floor, this.random));
	}

	/** The create never left (connection refused, DNS, TLS): nothing was created; try again after a floor. */
	notSent(now: number): void {
		this.retryAt = Math.max(this.retryAt, now + floorMs());
	}

	/**
	 * Tasks were seen finishing: slots are free again, and the next refusal starts a new series. A
	 * learned cap is forgotten after 15 floors without a refusal (30 s at the service's 2 s): other
	 * work on the same token may have been holding slots when it was learned, and may be gone. Finding
	 * the cap again costs one free 429.
	 */
	finished(now: number): void {
		this.refusalsInARow = 0;
		if (now - this.lastRefusalAt >= PROBE_AFTER_FLOORS * this.lastFloorMs) this.learnedCap = Infinity;
	}
}

/** The service's documented spacing between submissions (about 0.5 a second per token). */
export const SUBMIT_FLOOR_MS = 2000;

/** A Retry-After shorter than this is taken as this: "retry now" must not turn into a busy loop. */
const MIN_FLOOR_MS = 100;

/** The least time between a refused create and the next: what the service asks, else its known spacing. */
export function floorMs(retryAfterMs?: number): number {
	return retryAfterMs === undefined ? SUBMIT_FLOOR_MS : Math.max(MIN_FLOOR_MS, retryAfterMs);
}

/** No service rate limit needs more than this between submits; longer waits mean concurrency. */
const MAX_RATE_GAP_MS = 10_000;
const PROBE_AFTER_FLOORS = 15;
/** Close enough: narrowing the spacing further is not worth another refusal. */
const RESOLUTION_MS = 20;
const RESOLUTION_SHARE = 0.05;
