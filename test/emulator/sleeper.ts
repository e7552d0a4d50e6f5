/** Real-time sleeps that can all be cut short at once, so that stop() leaves no waiter behind. */
export class Sleeper {
	private readonly wakers = new Set<() => void>();

	sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const wake = () => {
				clearTimeout(timer);
				this.wakers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, ms);
			// A forgotten emulator must not keep the process alive on its own timers.
			timer.unref();
			this.wakers.add(wake);
		});
	}

	wakeAll(): void {
		for (const wake of [...this.wakers]) wake();
	}
}
