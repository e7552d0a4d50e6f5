import type { IDataObject, IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { cancellableSleep } from '../helpers/cancellableSleep';
import { checkSignal } from './resumeClaims';
import { caught } from '../helpers/caught';

/**
 * When a paused execution checks for a callback it missed, counted from the pause: once shortly after
 * (a task that finished between the node's last look and n8n saving the pause called back to a
 * running execution, which n8n refused with a 409, and the service does not call again), then every
 * few minutes until Max Wait (a callback lost on the way). Tests shorten these; nothing else does.
 */
export const missedCallbackChecks = { firstMs: 10_000, everyMs: 120_000 };

/** One check waits this long for n8n's answer (the look, and the downloads if it resumes). */
const CHECK_TIMEOUT_MS = 60_000;

export interface PausedBatch {
	/** The pause's key (resumeClaims.pauseKey). */
	key: string;
	/** This execution's callback address (what the service posts to). */
	callbackUrl: string;
	/** A task of the batch, named in the check as a callback names its task. */
	taskId: string;
	/** When n8n resumes the execution by itself (the pause plus Max Wait). */
	untilMs: number;
}

/**
 * n8n runs no node code when a pause's time is up (it disables the waiting node, which passes its
 * input on), and nothing of the node runs while the execution waits but its webhook. So the check is
 * a callback the node sends itself, from the process that paused, in the background: the webhook then
 * looks the batch up in the service's records (one retrieve_batch round, as for any callback) and
 * resumes the execution if every task has finished. It stops once the execution resumes, at Max Wait,
 * or when n8n answers that the execution no longer waits; a restart of n8n ends it too (then Max Wait
 * applies, as before).
 */
export function checkForMissedCallbacks(ctx: IExecuteFunctions, batch: PausedBatch): void {
	const pausedAt = Date.now();
	const { signal, done } = checkSignal(batch.key);
	const checks = async () => {
		for (let at = pausedAt + missedCallbackChecks.firstMs; at < batch.untilMs; at = Date.now() + missedCallbackChecks.everyMs) {
			// Only this process's own resume stops the wait early: the execution's cancel signal is
			// for the run that just ended, not for the pause.
			await cancellableSleep(Math.max(0, at - Date.now()), signal);
			const answer = await caught(
				async () =>
					(await ctx.helpers.httpRequest({
						method: 'POST',
						url: batch.callbackUrl,
						body: { task_id: batch.taskId },
						json: true,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
						timeout: CHECK_TIMEOUT_MS,
					})) as IN8nHttpFullResponse,
			);
			if (!stillWaiting(answer.ok ? answer.value : undefined)) return;
		}
	};
	void caught(checks).then(done);
}

/**
 * Whether to check again: the node's webhook said "waiting" (or could not ask the service), or n8n
 * could not be reached this time. Any other answer means the execution resumed or no longer waits.
 */
function stillWaiting(answer: IN8nHttpFullResponse | undefined): boolean {
	if (!answer) return true;
	if (answer.statusCode === 200) return (answer.body as IDataObject | undefined)?.status === 'waiting';
	return answer.statusCode === 503;
}
