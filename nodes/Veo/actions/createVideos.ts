import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';

import { backoffMs } from '../helpers/backoff';
import { InputError } from '../helpers/inputError';
import { pause } from '../helpers/pause';
import { settle } from '../helpers/settle';
import type { CreateInput, VeoCreateBody } from '../helpers/requestBody';
import { buildCreateBody } from '../helpers/requestBody';
import type { TaskOutput } from '../helpers/taskRecord';
import { submittedOutput, taskOutput } from '../helpers/taskRecord';
import { waitForTasks } from '../helpers/waitForTasks';
import type { VeoClient } from '../transport/veoClient';
import { createVeoClient, VeoRequestError } from '../transport/veoClient';
import { ItemResults } from './itemResults';
import { attachVideo, readDownloadSettings } from './videoDownload';

/** One item, checked and ready to submit. */
interface ItemPlan {
	itemIndex: number;
	body: VeoCreateBody;
	wait: boolean;
	binaryPropertyName?: string;
	pollIntervalMs: number;
	maxWaitMs: number;
}

interface SubmittedTask extends ItemPlan {
	taskId: string;
	answer: IDataObject;
	submittedAt: number;
}

/**
 * The shared run of every operation that creates a task: check every item first (nothing is paid
 * for while any input is wrong), submit them, then wait for all of them together.
 */
export async function createVideos(
	this: IExecuteFunctions,
	readInput: (itemIndex: number) => CreateInput,
): Promise<INodeExecutionData[]> {
	const results = new ItemResults(this, this.getInputData().length);
	const plans = planItems(this, readInput, results);
	if (plans.length === 0) return results.collect();

	const client = await createVeoClient(this);
	const signal = this.getExecutionCancelSignal?.();
	const wait = async (ms: number) => await pause(ms, signal);
	const run = await settle(async () => {
		const submitted = await submitAll(client, plans, results, wait);
		await finishAll(this, client, submitted, results, wait);
	});
	if (!run.ok) results.abort(run.error);
	return results.collect();
}

function planItems(
	ctx: IExecuteFunctions,
	readInput: (itemIndex: number) => CreateInput,
	results: ItemResults,
): ItemPlan[] {
	const plans: ItemPlan[] = [];
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		try {
			plans.push(planItem(ctx, itemIndex, readInput(itemIndex)));
		} catch (error) {
			results.fail(itemIndex, error);
		}
	}
	return plans;
}

function planItem(ctx: IExecuteFunctions, itemIndex: number, input: CreateInput): ItemPlan {
	const body = buildCreateBody(input);
	const wait = ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pollInterval = seconds(options.pollInterval, 10, 'Poll Interval (Seconds)');
	const maxWait = seconds(options.maxWait, 900, 'Max Wait (Seconds)');
	if (pollInterval < 1) {
		throw new InputError('Poll Interval (Seconds)', 'The poll interval must be at least 1 second');
	}
	if (wait && maxWait < pollInterval) {
		throw new InputError(
			'Max Wait (Seconds)',
			`Max Wait (${maxWait} s) is shorter than the Poll Interval (${pollInterval} s)`,
			'Make Max Wait at least as long as the Poll Interval.',
		);
	}
	return {
		itemIndex,
		body,
		wait,
		binaryPropertyName: wait ? readDownloadSettings(ctx, itemIndex) : undefined,
		pollIntervalMs: pollInterval * 1000,
		maxWaitMs: maxWait * 1000,
	};
}

function seconds(value: unknown, fallback: number, field: string): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number)) throw new InputError(field, `'${String(value)}' in '${field}' is not a number`);
	return number;
}

/**
 * Submits each item once. A 429 means the service created nothing, so it is safe to ask again after a
 * pause (for as long as the item would have waited anyway); any other failure is never retried here,
 * because the task may exist and a second submit could be a second charge.
 */
async function submitAll(
	client: VeoClient,
	plans: ItemPlan[],
	results: ItemResults,
	wait: (ms: number) => Promise<void>,
): Promise<SubmittedTask[]> {
	const submitted: SubmittedTask[] = [];
	for (const plan of plans) {
		const startedAt = Date.now();
		const answer = await settle(async () => await submitOnce(client, plan.body, startedAt + plan.maxWaitMs, wait));
		if (!answer.ok) {
			results.fail(plan.itemIndex, answer.error);
			continue;
		}
		const taskId = typeof answer.value.task_id === 'string' ? answer.value.task_id : '';
		if (!taskId) {
			results.fail(
				plan.itemIndex,
				new VeoRequestError({
					status: 200,
					code: 'missing_task_id',
					message:
						'The service accepted the request but gave no task ID; look for the task in your Ace Data Cloud console before trying again',
				}),
			);
			continue;
		}
		results.taskCreated(plan.itemIndex, taskId);
		submitted.push({ ...plan, taskId, answer: answer.value, submittedAt: Date.now() });
	}
	return submitted;
}

async function submitOnce(
	client: VeoClient,
	body: VeoCreateBody,
	giveUpAt: number,
	wait: (ms: number) => Promise<void>,
): Promise<IDataObject> {
	for (let attempt = 0; ; attempt++) {
		const answer = await settle(async () => await client.submit(body));
		if (answer.ok) return answer.value;
		const failure = answer.error instanceof VeoRequestError ? answer.error.failure : undefined;
		const delay = failure?.retryAfterMs ?? backoffMs(attempt);
		if (failure?.status !== 429 || Date.now() + delay > giveUpAt) return await Promise.reject(answer.error);
		await wait(delay);
	}
}

async function finishAll(
	ctx: IExecuteFunctions,
	client: VeoClient,
	submitted: SubmittedTask[],
	results: ItemResults,
	wait: (ms: number) => Promise<void>,
): Promise<void> {
	const waiting = submitted.filter((task) => task.wait);
	const outcomes = waiting.length
		? await waitForTasks(
				waiting.map((task) => ({ taskId: task.taskId, deadline: task.submittedAt + task.maxWaitMs })),
				Math.min(...waiting.map((task) => task.pollIntervalMs)),
				{ query: async (ids) => await client.retrieveBatch(ids), pause: wait, now: Date.now },
			)
		: new Map();

	for (const [taskId, outcome] of outcomes) {
		if (outcome.record) results.taskState(taskId, taskOutput(outcome.record, taskId).state);
	}

	for (const task of submitted) {
		const { itemIndex, taskId } = task;
		if (!task.wait) {
			results.add(itemIndex, { json: submittedOutput(taskId, task.answer) });
			continue;
		}
		const outcome = outcomes.get(taskId);
		const output: TaskOutput | undefined = outcome?.record ? taskOutput(outcome.record, taskId) : undefined;
		const state = output?.state ?? 'submitted';
		if (!outcome || outcome.kind === 'timeout') {
			results.fail(itemIndex, timeoutError(ctx, task, state), { taskId, state });
		} else if (outcome.kind === 'error') {
			results.fail(itemIndex, new VeoRequestError(outcome.failure), { taskId, state });
		} else if (output?.state === 'failed') {
			results.fail(itemIndex, taskFailedError(ctx, output, itemIndex), { taskId, state });
		} else if (output) {
			await attachVideo(ctx, client, results, itemIndex, output, task.binaryPropertyName);
		}
	}
}

function timeoutError(ctx: IExecuteFunctions, task: SubmittedTask, state: string): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`Veo task ${task.taskId} did not finish within ${task.maxWaitMs / 1000} seconds [item ${task.itemIndex}]`,
		{
			itemIndex: task.itemIndex,
			description: `The task is still ${state} at Ace Data Cloud and may still produce a (paid) video. Fetch it later with the Get Task operation (task ID ${task.taskId}) instead of submitting it again, or raise Max Wait.`,
		},
	);
}

function taskFailedError(ctx: IExecuteFunctions, output: TaskOutput, itemIndex: number): NodeApiError {
	const error = output.error ?? { code: 'failed', message: 'The task failed' };
	const response: JsonObject = { code: error.code, message: error.message, task_id: output.taskId };
	if (output.traceId) response.trace_id = output.traceId;
	return new NodeApiError(ctx.getNode(), response, {
		message: `Veo task ${output.taskId} failed: ${error.message} (${error.code}) [item ${itemIndex}]`,
		description: `code: ${error.code} · message: ${error.message}${output.traceId ? ` · trace id: ${output.traceId}` : ''}. Failed tasks are not charged.`,
		itemIndex,
	});
}
