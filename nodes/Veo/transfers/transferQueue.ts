/** How many videos download at once: enough that one slow host does not hold up the others. */
export const TRANSFERS_AT_ONCE = 3;

/**
 * Runs downloads (and image uploads) a few at a time. A host that stalls or trickles then holds one
 * slot until its deadline, not every item behind it; and at most that many transfers are in memory.
 * What a failure means for the run is its caller's business (videoDownloads.ts, imageUpload.ts).
 */
export class TransferQueue {
	private running = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly limit = TRANSFERS_AT_ONCE) {}

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
}
