/**
 * What this n8n process knows about the pauses it resumes. A pause is known by its execution and the
 * first task it waits for (task IDs are never shared between pauses): in a loop (Loop Over Items →
 * Veo → back) the same execution pauses again, for new tasks, and must be resumed again.
 */
export function pauseKey(executionId: string, firstTaskId: string): string {
	return `${executionId}/${firstTaskId}`;
}

/**
 * Pauses this process is resuming, and since when. Two callbacks can both find the batch complete:
 * n8n 2.x lets only one of them resume the execution, n8n 1.x would resume it twice, and until n8n
 * marks it running (after the downloads) it still looks waiting. Entries are dropped lazily after
 * RESUME_CLAIM_MS, long after n8n has taken over.
 */
const resuming = new Map<string, number>();
const RESUME_CLAIM_MS = 30 * 60_000;

/** The checks for missed callbacks of the pauses this process made (see missedCallbacks). */
const checks = new Map<string, AbortController>();

/** True for the first caller only; the pause's checks for missed callbacks stop here. */
export function claimResume(pause: string): boolean {
	const now = Date.now();
	for (const [key, since] of resuming) if (now - since > RESUME_CLAIM_MS) resuming.delete(key);
	checks.get(pause)?.abort();
	if (resuming.has(pause)) return false;
	resuming.set(pause, now);
	return true;
}

/** A signal that fires when this process resumes the pause (or stopAllChecks is called). */
export function checkSignal(pause: string): { signal: AbortSignal; done: () => void } {
	checks.get(pause)?.abort();
	const controller = new AbortController();
	checks.set(pause, controller);
	return {
		signal: controller.signal,
		done: () => {
			if (checks.get(pause) === controller) checks.delete(pause);
		},
	};
}

/** Stops every check for missed callbacks in this process (for tests: nothing outlives a test). */
export function stopAllChecks(): void {
	for (const controller of checks.values()) controller.abort();
	checks.clear();
}
