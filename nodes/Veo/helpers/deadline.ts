/** A moment by which a transfer or an answer must be done, and how long it allowed (for messages). */
export interface Deadline {
	/** On Date.now()'s clock. */
	at: number;
	/** From the moment the wait began to `at`. */
	ms: number;
}

export function deadlineIn(ms: number, from: number = Date.now()): Deadline {
	return { at: from + ms, ms };
}

/** What is left of a deadline, in ms (0 when it has passed). */
export function msLeft(deadline: Deadline, now: number = Date.now()): number {
	return Math.max(0, deadline.at - now);
}
