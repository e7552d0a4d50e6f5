import { cancellableSleep } from './cancellableSleep';
import { caught } from './caught';

/**
 * The life of one node run. Everything the run starts (downloads, uploads, pauses) is given `signal`,
 * which fires when the user stops the execution and when the run ends, at once when the node has
 * decided to fail: nothing of the node keeps a connection open or writes a file after it has ended.
 */
export class RunScope {
	private readonly ending = new AbortController();

	readonly signal: AbortSignal;

	constructor(private readonly cancel?: AbortSignal) {
		this.signal = cancel ? AbortSignal.any([cancel, this.ending.signal]) : this.ending.signal;
	}

	/** Cancels whatever the run still has under way. */
	end(): void {
		this.ending.abort();
	}

	/** The run ended (not the user's stop): what is cut off now is not the user's business. */
	get ended(): boolean {
		return this.ending.signal.aborted && !this.cancel?.aborted;
	}

	/** The user stopped the execution. */
	get cancelled(): boolean {
		return this.cancel?.aborted === true;
	}

	/** Waits `ms`; the user's stop rejects it (SleepCancelled), the end of the run cuts it short. */
	async sleep(ms: number): Promise<void> {
		const paused = await caught(async () => await cancellableSleep(ms, this.signal));
		if (!paused.ok && !this.ended) throw paused.error;
	}
}
