/** A clock that only moves when someone pauses on it (or a test advances it); it keeps the pauses. */
export function fakeClock() {
	let now = 0;
	const pauses: number[] = [];
	return {
		now: () => now,
		sleep: async (ms: number) => {
			pauses.push(ms);
			now += ms;
			await Promise.resolve();
		},
		advance: (ms: number) => (now += ms),
		pauses,
	};
}
