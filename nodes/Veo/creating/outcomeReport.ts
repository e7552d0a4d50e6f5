import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, NodeApiError } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { failureDetails } from '../helpers/apiFailure';
import type { TaskOutput } from '../helpers/taskRecord';
import { submittedOutput, taskOutput, taskState } from '../helpers/taskRecord';
import { LOOK_AFTER_MS } from '../engine/taskAdoption';
import type { JobOutcome } from '../engine/videoBatch';
import type { ItemResults } from '../output/itemResults';
import { serviceError, taskFailedError } from '../output/itemResults';
import { VeoRequestError } from '../transport/veoClient';
import type { ItemPlan } from './itemPlan';

/** What each item's outcome becomes: its output item, or an error that says what happened and what to do. */

/** Turns one item's outcome into its output item or its error. Downloads were already attached. */
export function report(
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
export function failsItem(outcome: JobOutcome): boolean {
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
