import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failureOf } from '../helpers/apiFailure';
import { caught } from '../helpers/caught';
import type { CreateInput } from '../helpers/requestBody';
import { RunScope } from '../helpers/runScope';
import type { TaskOutput } from '../helpers/taskRecord';
import { taskOutput } from '../helpers/taskRecord';
import { mayHaveCreated } from '../engine/createFailure';
import { runVideoBatch } from '../engine/videoBatch';
import { ItemResults, taskFailedError } from '../output/itemResults';
import type { AwaitedTask } from '../pause/callbackLedger';
import { callbackAddressOf, checkReachable, pauseForCallbacks } from '../pause/pauseForCallbacks';
import { uploadBinaryImages } from '../transfers/imageUpload';
import { downloadDeadline } from '../transfers/transferDeadline';
import { VideoDownloads } from '../transfers/videoDownloads';
import { createVeoClient } from '../transport/veoClient';
import type { ItemPlan } from './itemPlan';
import { planItems, readWaitMode } from './itemPlan';
import { failsItem, report } from './outcomeReport';
import { openCreateLedger } from './retryTries';
import type { SubmitInFlight } from './submitAtStop';
import { stoppedSubmitNote } from './submitAtStop';

/**
 * The shared run of every operation that creates a task: check every item first (nothing is paid
 * for while any input is wrong), then hand them all to the batch engine, which submits them as the
 * service allows and waits for them together. Videos are downloaded as soon as their task finishes.
 */
export async function createTasks(
	this: IExecuteFunctions,
	readInput: (itemIndex: number) => CreateInput,
): Promise<INodeExecutionData[]> {
	const results = new ItemResults(this, this.getInputData().length);
	// What earlier tries of this run (n8n's Retry On Fail) created: never created again.
	const ledger = openCreateLedger(this);
	const callbackUrl = readWaitMode(this, 0) === 'callback' ? callbackAddressOf(this) : undefined;
	const checkedPlans = planItems(this, readInput, results, callbackUrl);
	if (checkedPlans.length === 0) return results.collect();
	for (const plan of checkedPlans) plan.earlier = ledger.earlier(plan.key, plan.fingerprint);

	const client = await createVeoClient(this);
	if (callbackUrl) checkReachable(this, callbackUrl, client.baseUrl);
	const signal = this.getExecutionCancelSignal?.();
	// Uploads and downloads end with the run: at once when the node has decided to fail.
	const scope = new RunScope(signal);
	// An item an earlier try sent is not sent again: its images are not uploaded again either.
	const uploaded = await uploadBinaryImages(this, checkedPlans.filter((plan) => !plan.earlier), results, scope);
	const plans = checkedPlans.filter((plan) => plan.earlier || uploaded.includes(plan));
	if (plans.length === 0) return results.collect();
	const awaited: AwaitedTask[] = [];
	const planOf = new Map(plans.map((plan) => [plan.key, plan]));
	// Downloads run a few at a time while the engine goes on waiting, each within what is left of its
	// Max Wait. A failure that fails the node ends the run: the other downloads are cut off at once.
	const downloads = new VideoDownloads(this, client, results, scope);
	// Max Wait counts from the moment the service accepted the video; the download gets what is left.
	const acceptedAt = new Map<number, number>();
	// Without continue-on-fail the first failure fails the node: nothing more is submitted (or paid
	// for), and the node does not wait for the rest.
	let failedFast = false;
	// Pausing for callbacks with Stop: a task seen failed while others were still queued ends the run
	// before it pauses, as in poll mode (nothing more is submitted).
	const failedBeforePause = new Map<number, TaskOutput>();
	// A create whose answer the user's stop cut off: it may have been created (and paid) all the same.
	const atStop: { submit?: SubmitInFlight } = {};
	const planOfBody = new Map(plans.map((plan) => [plan.body, plan.key]));

	const run = await caught(async () => {
		const waiting = plans.filter((plan) => plan.wait);
		const outcomes = await runVideoBatch(
			plans,
			{
				pollIntervalMs: Math.min(...(waiting.length ? waiting : plans).map((plan) => plan.pollIntervalMs)),
				maxConcurrent: Math.min(...plans.map((plan) => plan.maxConcurrent || Infinity)),
			},
			{
				submit: async (body, timeoutMs) => {
					const sending = { itemIndex: planOfBody.get(body) ?? -1, body, sentAt: Date.now() };
					const plan = planOf.get(sending.itemIndex) as ItemPlan;
					// Written before the request leaves: whatever happens next, the next try knows it may exist.
					ledger.sending(plan.key, plan.fingerprint, body, sending.sentAt);
					const answer = await caught(async () => await client.submit(body, timeoutMs));
					if (answer.ok) return answer.value;
					const failure = failureOf(answer.error);
					if (failure && !mayHaveCreated(failure)) ledger.notCreated(plan.key);
					else if (failure) ledger.lost(plan.key, failure);
					if (signal?.aborted) atStop.submit = sending;
					return await Promise.reject(answer.error);
				},
				query: async (ids, timeoutMs) => await client.retrieveBatch(ids, timeoutMs),
				listSince: async (createdAtMin) => await client.listSince(createdAtMin),
				sleep: async (ms) => await scope.sleep(ms),
				now: Date.now,
				onCreated: (itemIndex, taskId) => {
					const plan = planOf.get(itemIndex) as ItemPlan;
					const at = plan.earlier && 'taskId' in plan.earlier ? plan.earlier.acceptedAt : Date.now();
					ledger.accepted(itemIndex, plan.fingerprint, taskId, at);
					acceptedAt.set(itemIndex, at);
					results.taskCreated(itemIndex, taskId);
				},
				onDecided: (_itemIndex, outcome) => {
					if (results.failureStops && failsItem(outcome)) failedFast = true;
				},
				onDecidedTaskFinished: (itemIndex, record) => {
					const output = taskOutput(record, String(record.id));
					results.taskState(output.taskId, output.state);
					if (!planOf.get(itemIndex)?.awaitsCallback || output.state !== 'failed' || !results.failureStops) return;
					failedBeforePause.set(itemIndex, output);
					failedFast = true;
				},
				shouldStop: () => failedFast || downloads.failed || scope.ended,
				onFinished: (itemIndex, record) => {
					const output = taskOutput(record, String(record.id));
					results.taskState(output.taskId, output.state);
					const plan = planOf.get(itemIndex) as ItemPlan;
					if (output.state !== 'succeeded' || !plan.download) return;
					// Its deadline is fixed now: time queued for a download slot counts.
					const deadline = downloadDeadline((acceptedAt.get(itemIndex) ?? Date.now()) + plan.maxWaitMs);
					downloads.task({ itemIndex, output, settings: plan.download }, deadline);
				},
			},
		);
		// After a failure that ends the run, downloads still under way are cut off, not waited for.
		if (failedFast) scope.end();
		// The videos are added to the output; a failed download that fails the node throws here.
		await downloads.finish();
		// Every task's last known state goes into the ledger first: the first failing item may end the run.
		for (const outcome of outcomes.values()) {
			if ('record' in outcome && outcome.record && outcome.taskId) {
				results.taskState(outcome.taskId, taskOutput(outcome.record, outcome.taskId).state);
			}
		}
		for (const [itemIndex, output] of failedBeforePause) {
			results.fail(itemIndex, taskFailedError(this, output, itemIndex), { taskId: output.taskId, state: output.state });
		}
		for (const plan of plans) {
			const outcome = outcomes.get(plan.key);
			if (plan.awaitsCallback && outcome?.kind === 'submitted') {
				awaited.push({ itemIndex: plan.key, taskId: outcome.taskId, download: plan.download });
			} else {
				report(this, results, plan, outcome);
			}
		}
	});
	// Nothing of the run outlives it: whatever is still under way is cut off and has let go.
	scope.end();
	await downloads.allEnded();
	if (!run.ok) results.abort(run.error, atStop.submit && stoppedSubmitNote(atStop.submit));
	if (awaited.length === 0) return results.collect();
	return await pauseForCallbacks(this, client, results, awaited, Math.max(...plans.map((plan) => plan.maxWaitMs)));
}

