import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import type { AwaitedTask, Ledger } from './callbackLedger';
import { callbackTaskId, readLedger } from './callbackLedger';
import { claimResume, pauseKey } from './resumeClaims';
import { caught, caughtSync } from '../helpers/caught';
import type { TaskRecord } from '../helpers/taskRecord';
import { recordFinished, taskOutput, taskState } from '../helpers/taskRecord';
import { createVeoClient } from '../transport/veoClient';
import { queryPausedBatch } from './pausedBatchQuery';
import { finishAwaited } from './pauseForCallbacks';
import type { ItemError } from '../output/itemResults';
import { ItemResults, taskFailedError } from '../output/itemResults';

/**
 * Where Ace Data Cloud's callbacks resume an execution paused by "Pause Until Ace Data Cloud Calls
 * Back": `$execution.resumeUrl` plus the node's id, so each Veo node of a workflow has its own. A
 * restart webhook exists only while its execution waits; nothing is registered at the service (the
 * address travels with each task), so there is no webhook lifecycle to manage, as with n8n's own
 * "send and wait" operations.
 */
export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		// Without it n8n answers the callback that resumes the execution with its default, the literal
		// text 'firstEntryJson' (1.x and 2.x); empty, it sends the webhookResponse ({ status: 'resumed' }).
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	},
];

/**
 * Receives Ace Data Cloud's callbacks for a paused execution. A callback only counts if it names a
 * task this execution created, and even then its body decides nothing: it makes the node look at the
 * whole batch in the service's records (see batchLook). The execution resumes, with the same output
 * as poll mode, once those records say every task has finished.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const answer = (status: number, body: IDataObject): IWebhookResponseData => {
		this.getResponseObject().status(status).json(body);
		return { noWebhookResponse: true };
	};
	const ledger = waitingLedger(this);
	if (!ledger) return answer(404, { error: 'This execution is not waiting for Veo callbacks' });
	const body = this.getBodyData();
	const taskId = callbackTaskId(body);
	if (!taskId) return answer(400, { error: 'The callback names no task_id' });
	if (!ledger.awaited.some((task) => task.taskId === taskId)) {
		return answer(404, { error: 'This execution did not create that task', task_id: taskId });
	}

	const client = await createVeoClient(this);
	// The records, not the callbacks, make the output: the same fields as in poll mode.
	const look = await queryPausedBatch(this, client, ledger, taskId, body);
	if (!look.ok) {
		return answer(503, { error: 'Could not ask Ace Data Cloud about the tasks of this batch', task_id: taskId });
	}
	const records = look.value;
	const node = this.getNode();
	const results = new ItemResults(
		{ getNode: () => node },
		1 + Math.max(...ledger.awaited.map((task) => task.itemIndex), ...ledger.settled.keys()),
	);
	// Without continue-on-fail the first failed task ends the run at once, as in poll mode.
	const failed = results.failureStops ? ledger.awaited.find((task) => isFailed(records.get(task.taskId))) : undefined;
	const remaining = ledger.awaited.filter((task) => !recordFinished(records.get(task.taskId))).length;
	if (remaining > 0 && !failed) return answer(200, { status: 'waiting', task_id: taskId, remaining });
	if (!claimResume(pauseKey(this.getExecutionId(), ledger.awaited[0].taskId))) return answer(200, { status: 'resuming', task_id: taskId });
	if (failed) return failedTaskEnding(this, results, ledger, records, failed);

	for (const [itemIndex, json] of ledger.settled) results.add(itemIndex, { json });
	// With On Error: Stop, a video that cannot be downloaded stops the run as a failed task does.
	const finished = await caught(async () => await finishAwaited(this, client, results, ledger.awaited, records));
	if (!finished.ok) return endWithFailure(this, results.toNodeError(finished.error, undefined), taskId);
	return { workflowData: [results.collect()], webhookResponse: { status: 'resumed', task_id: taskId } };
}

function isFailed(record: TaskRecord | undefined): boolean {
	return record !== undefined && taskState(record).state === 'failed';
}

/** A task failed and On Error says stop: the error names it and every task created, with its state. */
function failedTaskEnding(
	ctx: IWebhookFunctions,
	results: ItemResults,
	ledger: Ledger,
	records: Map<string, TaskRecord>,
	failed: AwaitedTask,
): IWebhookResponseData {
	for (const task of ledger.awaited) {
		const record = records.get(task.taskId);
		results.taskCreated(task.itemIndex, task.taskId, record ? taskState(record).state : 'submitted');
	}
	const output = taskOutput(records.get(failed.taskId) ?? {}, failed.taskId);
	const stopped = caughtSync(() => results.fail(failed.itemIndex, taskFailedError(ctx, output, failed.itemIndex), output));
	const error = stopped.ok ? undefined : results.toNodeError(stopped.error, failed.itemIndex);
	return endWithFailure(ctx, error ?? new NodeOperationError(ctx.getNode(), `Veo task ${failed.taskId} failed`), failed.taskId);
}

/**
 * The run stops (On Error: Stop) after the execution resumed: a task failed, or a finished video
 * could not be downloaded. n8n gives a node resumed from a waiting webhook no way to fail its
 * execution: if `webhook()` throws, n8n answers the callback with a 500 and still runs the rest of
 * the workflow with an empty placeholder item (1.x and 2.x alike). The closest it allows is to resume
 * with no item, so that no node after this one runs, and to tell the failure where it can: n8n's log
 * (with every task created and its state, as poll mode's error gives them) and the callback's answer.
 */
function endWithFailure(ctx: IWebhookFunctions, error: ItemError, taskId: string): IWebhookResponseData {
	ctx.logger.error(`${error.message}. The execution ends here without output.`, {
		executionId: ctx.getExecutionId(),
		node: ctx.getNode().name,
		details: error.description,
	});
	return {
		workflowData: [[]],
		webhookResponse: { status: 'failed', task_id: taskId, error: error.message, details: error.description ?? null },
	};
}

/** The ledger the node left as its input when it paused (see callbackLedger). */
function waitingLedger(ctx: IWebhookFunctions): Ledger | undefined {
	// A webhook has no getInputData(); the waiting node's input is what `$input` reads.
	const read = caughtSync(() =>
		ctx.evaluateExpression('{{ JSON.stringify($input.all().map((item) => ({ json: item.json, pairedItem: item.pairedItem }))) }}'),
	);
	if (!read.ok || typeof read.value !== 'string') return undefined;
	const items = caughtSync(() => JSON.parse(read.value as string) as INodeExecutionData[]);
	return items.ok && Array.isArray(items.value) ? readLedger(items.value) : undefined;
}
