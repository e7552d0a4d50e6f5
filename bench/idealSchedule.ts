/**
 * The limit L of issue 4: when the last of N tasks finishes if every task is submitted at the
 * earliest instant the service's limits allow (at most `maxInFlight` unfinished tasks, at most
 * `submitsPerSecond` accepted submissions a second) and the network takes no time. No client can
 * finish sooner.
 */
export function idealFinishMs(count: number, taskMs: number, maxInFlight: number, submitsPerSecond: number): number {
	const spacingMs = 1000 / submitsPerSecond;
	const submittedAt: number[] = [];
	for (let index = 0; index < count; index++) {
		const byRate = index === 0 ? 0 : submittedAt[index - 1] + spacingMs;
		const bySlot = index >= maxInFlight ? submittedAt[index - maxInFlight] + taskMs : 0;
		submittedAt.push(Math.max(byRate, bySlot));
	}
	return count === 0 ? 0 : submittedAt[count - 1] + taskMs;
}
