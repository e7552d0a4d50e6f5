/**
 * The limit L of issue 4: when the last of N tasks finishes if every task is submitted at the
 * earliest instant the service's limits allow (at most `maxInFlight` unfinished tasks, at most
 * `submitsPerSecond` accepted submissions a second) and the network takes no time. No client can
 * finish sooner.
 *
 * `taskMs` is one duration for every task, or each task's own in creation order (the emulator draws
 * varying durations in that order, so the i-th task of any client takes the i-th duration).
 */
export function idealFinishMs(count: number, taskMs: number | number[], maxInFlight: number, submitsPerSecond: number): number {
	const spacingMs = 1000 / submitsPerSecond;
	const durationOf = (index: number) => (typeof taskMs === 'number' ? taskMs : taskMs[index]);
	const submittedAt: number[] = [];
	const finishes: number[] = [];
	for (let index = 0; index < count; index++) {
		const byRate = index === 0 ? 0 : submittedAt[index - 1] + spacingMs;
		// A slot is free once all but maxInFlight - 1 of the earlier tasks have finished.
		const sorted = [...finishes].sort((a, b) => a - b);
		const bySlot = index >= maxInFlight ? sorted[index - maxInFlight] : 0;
		submittedAt.push(Math.max(byRate, bySlot));
		finishes.push(submittedAt[index] + durationOf(index));
	}
	return count === 0 ? 0 : Math.max(...finishes);
}

