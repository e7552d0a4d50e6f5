import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, NodeApiError } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { failureDetails, failureOf } from '../helpers/apiFailure';
import { mayHaveCreated } from '../engine/createFailure';
import { fingerprintOf } from '../engine/createLedger';
import { InputError } from '../helpers/inputError';
import type { CreateInput } from '../helpers/requestBody';
import { buildCreateBody } from '../helpers/requestBody';
import { caught, caughtSync } from '../helpers/caught';
import { LOOK_AFTER_MS } from '../engine/taskAdoption';
import type { TaskOutput } from '../helpers/taskRecord';
import { submittedOutput, taskOutput, taskState } from '../helpers/taskRecord';
import type { BatchJob, JobOutcome } from '../engine/videoBatch';
import { runVideoBatch } from '../engine/videoBatch';
import { createVeoClient, VeoRequestError } from '../transport/veoClient';
import type { AwaitedTask } from '../pause/callbackLedger';
import { callbackAddressOf, checkReachable, pauseForCallbacks } from '../pause/pauseForCallbacks';
import { uploadBinaryImages } from '../transfers/imageUpload';
import type { BinaryImageRef } from '../helpers/binaryImageRefs';
import { binaryImagesOf } from '../helpers/binaryImageRefs';
import { MAX_INGREDIENT_IMAGES } from '../helpers/requestBody';
import { ItemResults, serviceError, taskFailedError } from '../output/itemResults';
import { RunScope } from '../helpers/runScope';
import { downloadDeadline } from '../transfers/transferDeadline';
import type { DownloadSettings } from '../transfers/videoDownload';
import type { SubmitInFlight } from './submitAtStop';
import { stoppedSubmitNote } from './submitAtStop';
import { readDownloadSettings } from '../transfers/videoDownload';
import { VideoDownloads } from '../transfers/videoDownloads';
import { openCreateLedger } from './retryTries';

export type WaitMode = 'poll' | 'callback' | 'none';

/** One item, checked and ready to submit. */
interface ItemPlan extends BatchJob {
	/** Whether the panel shows Max Wait in this mode (messages name only fields the user can see). */
	maxWaitShown: boolean;
	download?: DownloadSettings;
	pollIntervalMs: number;
	maxConcurrent: number;
	/** Submitted with this execution's resume address; the execution pauses until it reports. */
	awaitsCallback: boolean;
	/** Images to upload before the create; their URLs complete the body. */
	binaryImages?: BinaryImageRef[];
	/** The request as checked, before images are uploaded: what an earlier try's create is matched by. */
	fingerprint: string;
}

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
	await downloads.settled();
	if (!run.ok) results.abort(run.error, atStop.submit && stoppedSubmitNote(atStop.submit));
	if (awaited.length === 0) return results.collect();
	return await pauseForCallbacks(this, client, results, awaited, Math.max(...plans.map((plan) => plan.maxWaitMs)));
}

/**
 * How this run waits: version 1's switch means poll or not; version 2 names the mode, one for the
 * whole batch (a batch that pauses for some items and polls for others would gain nothing).
 */
function readWaitMode(ctx: IExecuteFunctions, itemIndex: number): WaitMode {
	if (ctx.getNode().typeVersion < 2) {
		return (ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean) ? 'poll' : 'none';
	}
	const mode = ctx.getNodeParameter('waitMode', 0, 'poll') as string;
	if (mode === 'poll' || mode === 'callback' || mode === 'none') return mode;
	throw new NodeOperationError(ctx.getNode(), `'${mode}' is not a way to wait for the video`, {
		description: "Choose one of the options of 'Wait for Video'.",
	});
}

function planItems(
	ctx: IExecuteFunctions,
	readInput: (itemIndex: number) => CreateInput,
	results: ItemResults,
	callbackUrl: string | undefined,
): ItemPlan[] {
	const plans: ItemPlan[] = [];
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		const plan = caughtSync(() => planItem(ctx, itemIndex, readInput(itemIndex), callbackUrl));
		if (plan.ok) plans.push(plan.value);
		else results.fail(itemIndex, plan.error);
	}
	return plans;
}

function planItem(ctx: IExecuteFunctions, itemIndex: number, input: CreateInput, callbackUrl: string | undefined): ItemPlan {
	const body = buildCreateBody(input);
	const fingerprint = fingerprintOf(body);
	if (callbackUrl) {
		if (body.callback_url) {
			throw new InputError(
				'Callback URL',
				"The 'Callback URL' option cannot be used while the node pauses until Ace Data Cloud calls back",
				"Remove the Callback URL option, or choose another way in 'Wait for Video'.",
			);
		}
		body.callback_url = callbackUrl;
	}
	const mode = callbackUrl ? 'callback' : readWaitMode(ctx, itemIndex);
	const wait = mode === 'poll';
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	// An option the panel hides in this mode is not read: a value left from another mode changes nothing.
	const pollInterval = wait ? readPollInterval(options.pollInterval) : DEFAULT_POLL_INTERVAL_S;
	const maxWaitShown = mode !== 'none';
	const maxWait = maxWaitShown ? readMaxWait(options.maxWait) : DEFAULT_MAX_WAIT_S;
	const maxConcurrent = seconds(options.maxConcurrent, 0, 'Max Videos in Progress');
	if (wait && maxWait < pollInterval) {
		throw new InputError(
			'Max Wait (Seconds)',
			`Max Wait (${maxWait} s) is shorter than the Poll Interval (${pollInterval} s)`,
			'Make Max Wait at least as long as the Poll Interval.',
		);
	}
	if (maxConcurrent < 0 || !Number.isInteger(maxConcurrent)) {
		throw new InputError('Max Videos in Progress', 'Max Videos in Progress must be a whole number, 0 for no limit');
	}
	return {
		key: itemIndex,
		body,
		wait,
		maxWaitMs: maxWait * 1000,
		maxWaitShown,
		download: mode === 'none' ? undefined : readDownloadSettings(ctx, itemIndex),
		pollIntervalMs: pollInterval * 1000,
		maxConcurrent,
		awaitsCallback: mode === 'callback',
		binaryImages: binaryImagesOf(input, MAX_INGREDIENT_IMAGES),
		fingerprint,
	};
}

const DEFAULT_POLL_INTERVAL_S = 10;
const DEFAULT_MAX_WAIT_S = 900;
/** Longer than any sensible poll, and far below the 24.8 days at which timers overflow. */
const MAX_POLL_INTERVAL_S = 3600;
/** A week: far beyond any video, and a date n8n can keep as the end of a pause. */
const MAX_WAIT_LIMIT_S = 7 * 24 * 3600;

const readPollInterval = (value: unknown) =>
	secondsWithin(value, DEFAULT_POLL_INTERVAL_S, 'Poll Interval (Seconds)', MAX_POLL_INTERVAL_S, '1 hour');
const readMaxWait = (value: unknown) => secondsWithin(value, DEFAULT_MAX_WAIT_S, 'Max Wait (Seconds)', MAX_WAIT_LIMIT_S, '7 days');

function secondsWithin(value: unknown, fallback: number, field: string, max: number, maxInWords: string): number {
	const number = seconds(value, fallback, field);
	if (number < 1 || number > max) {
		throw new InputError(field, `The '${field}' option must be between 1 and ${max} seconds (${maxInWords}); it is ${number}`);
	}
	return number;
}

function seconds(value: unknown, fallback: number, field: string): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number)) throw new InputError(field, `'${String(value)}' in '${field}' is not a number`);
	return number;
}

/** Turns one item's outcome into its output item or its error. Downloads were already attached. */
function report(
	ctx: IExecuteFunctions,
	results: ItemResults,
	plan: ItemPlan,
	outcome: JobOutcome | undefined,
): void {
	const itemIndex = plan.key;
	// The run stopped at another item's failure: this one's task (if any) is listed in that error.
	if (outcome?.kind === 'abandoned' || (!outcome && results.failureStops)) return;
	if (!outcome) {
		results.fail(itemIndex, new NodeOperationError(ctx.getNode(), `No result for this item [item ${itemIndex}]`, { itemIndex }));
		return;
	}
	const output: TaskOutput | undefined =
		'record' in outcome && outcome.record ? taskOutput(outcome.record, outcome.taskId) : undefined;
	const taskId = 'taskId' in outcome ? outcome.taskId : undefined;
	const state = output?.state ?? 'submitted';
	const task = taskId ? { taskId, state } : undefined;

	switch (outcome.kind) {
		case 'submitted':
			results.add(itemIndex, { json: submittedOutput(outcome.taskId, outcome.answer) });
			return;
		case 'finished':
			if (output?.state === 'failed') results.fail(itemIndex, taskFailedError(ctx, output, itemIndex), task);
			else if (!(output && plan.download && output.state === 'succeeded')) results.add(itemIndex, { json: output as TaskOutput });
			return;
		case 'timeout':
			results.fail(
				itemIndex,
				taskId ? timeoutError(ctx, plan, taskId, state) : notSubmittedError(ctx, plan, outcome.lastRefusal, outcome.refusedForMs),
				task,
			);
			return;
		case 'failed':
			results.fail(itemIndex, outcome.mayExist ? mayExistError(ctx, plan, outcome) : new VeoRequestError(outcome.failure), task);
			return;
		case 'unsubmitted':
			results.fail(itemIndex, heldQueueError(ctx, plan, outcome.heldBy, outcome.stalledForMs));
	}
}

/** Outcomes that fail their item (and so, without continue-on-fail, the node). */
function failsItem(outcome: JobOutcome): boolean {
	if (outcome.kind === 'failed' || outcome.kind === 'timeout' || outcome.kind === 'unsubmitted') return true;
	return outcome.kind === 'finished' && taskState(outcome.record).state === 'failed';
}

function timeoutError(ctx: IExecuteFunctions, plan: ItemPlan, taskId: string, state: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Veo task ${taskId} did not finish within ${plan.maxWaitMs / 1000} seconds of being accepted [item ${plan.key}]`,
		{
			itemIndex: plan.key,
			description: `The task is still ${state} at Ace Data Cloud and may still produce a (paid) video. Fetch it later with the Get Task operation (task ID ${taskId}) instead of submitting it again, or raise Max Wait.`,
		},
	);
}

function notSubmittedError(ctx: IExecuteFunctions, plan: ItemPlan, refusal?: ApiFailure, refusedForMs?: number): NodeApiError {
	const failure = refusal ?? { status: 429, code: 'too_many_requests', message: 'too many requests' };
	const seconds = Math.round((refusedForMs ?? plan.maxWaitMs) / 1000);
	return serviceError(ctx, failure, {
		message: `Ace Data Cloud kept refusing new videos (429 too many requests) for ${seconds} seconds in a row [item ${plan.key}]`,
		description: `Nothing was created or charged for this item. Other work on the same token (other executions, other tools) may be holding its slots; run it again later${plan.maxWaitShown ? ', or raise Max Wait' : ''}. ${failureDetails(failure)}`,
		itemIndex: plan.key,
	});
}

function heldQueueError(ctx: IExecuteFunctions, plan: ItemPlan, heldBy: string[], stalledForMs: number): NodeOperationError {
	const seconds = Math.round(stalledForMs / 1000);
	const tasks = heldBy.length ? heldBy.join(', ') : 'tasks of this run';
	return new NodeOperationError(
		ctx.getNode(),
		`Not submitted, nothing was charged: every slot stayed taken by ${tasks} and none of this node's videos finished for ${seconds} seconds [item ${plan.key}]`,
		{
			itemIndex: plan.key,
			description: `The node starts no more videos at once than Max Videos in Progress (or the limit Ace Data Cloud showed with 429 answers), and a task that timed out still counts as running: it may still be made and charged. Check ${tasks} with Get Task, then run this item again${plan.maxWaitShown ? ', or raise Max Wait' : ''}.`,
		},
	);
}

function mayExistError(
	ctx: IExecuteFunctions,
	plan: ItemPlan,
	outcome: Extract<JobOutcome, { kind: 'failed' }>,
): NodeApiError {
	const { failure, candidates } = outcome;
	const sentAt = new Date(outcome.sentAt ?? Date.now()).toISOString();
	if (candidates?.length) {
		return serviceError(ctx, failure, {
			message: `The video request's answer was lost (${failure.message}), and ${candidates.length} tasks with exactly this request appeared since [item ${plan.key}]`,
			description: `One of them may be this item's, the others another execution's with the same request: the node does not guess. Tasks: ${candidates.join(', ')}. Check them with Get Task before submitting again. ${failureDetails(failure)}`,
			itemIndex: plan.key,
		});
	}
	return serviceError(ctx, failure, {
		message: `The video may have been created at ${sentAt}: check with Get Task before submitting again (${failure.message}) [item ${plan.key}]`,
		description: `The answer to the create request was lost, and no task with this request appeared in the ${LOOK_AFTER_MS[LOOK_AFTER_MS.length - 1] / 1000} seconds the node looked for one. To avoid paying twice, it did not submit again. Look for a task created at ${sentAt} with this prompt (Get Task, or your Ace Data Cloud console) before running this item again. ${failureDetails(failure)}`,
		itemIndex: plan.key,
	});
}
