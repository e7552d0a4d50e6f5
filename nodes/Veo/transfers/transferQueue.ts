/** How many videos download at once: enough that one slow host does not hold up the others. */
export const TRANSFERS_AT_ONCE = 3;

/**
 * Runs downloads (and image uploads) a few at a time. A host that stalls or trickles then holds one
 * slot until its deadline, not every item behind it; and at most that many transfers are in memory.
 */
export class TransferQueue {
	private running = 0;

	private readonly waiting: Array<() => void> = [];

	private readonly started: Array<Promise<void>> = [];

	private firstError: { error: unknown } | undefined;

	/** `onFailure` hears of the first failure at once: the run it ends can cut off the work still under way. */
	constructor(
		private readonly limit = TRANSFERS_AT_ONCE,
		private readonly onFailure?: () => void,
	) {}

	/** Runs `work` as soon as a slot is free; resolves or rejects with it. */
	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		this.running++;
		try {
			return await work();
		} finally {
			this.running--;
			this.waiting.shift()?.();
		}
	}

	/**
	 * Queues `work` without waiting for it. After the first failure (an error that must end the run),
	 * queued work is skipped: it would only delay that error.
	 */
	add(work: () => Promise<void>): void {
		this.started.push(
			this.run(async () => {
				if (!this.firstError) await work();
			}).catch((error: unknown) => {
				if (this.firstError) return;
				this.firstError = { error };
				this.onFailure?.();
			}),
		);
	}

	/** The first failure so far, if any (the work still under way is not waited for). */
	get failure(): { error: unknown } | undefined {
		return this.firstError;
	}

	/** Waits for everything added; reports the first failure, if any. */
	async finish(): Promise<{ error: unknown } | undefined> {
		while (this.started.length > 0) await Promise.all(this.started.splice(0));
		return this.firstError;
	}
}
