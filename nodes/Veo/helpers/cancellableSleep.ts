import { sleep } from 'n8n-workflow';

/**
 * Waits `ms`, or stops at once when the execution is cancelled. n8n 1.x's `sleep` ignores the signal,
 * so the abort is also listened to here; the rejection is the same on every n8n version.
 */
export async function cancellableSleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (!signal) return await sleep(ms);
	if (signal.aborted) throw new SleepCancelled();
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(new SleepCancelled());
		signal.addEventListener('abort', onAbort, { once: true });
		sleep(ms, signal).then(
			() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			},
			() => onAbort(),
		);
	});
}

export class SleepCancelled extends Error {
	constructor() {
		super('The execution was cancelled');
		this.name = 'SleepCancelled';
	}
}
