import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INode, INodeExecutionData, JsonObject } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { explainFailure, failureDetails } from '../helpers/apiFailure';
import { InputError } from '../helpers/inputError';
import { onErrorOf } from '../helpers/onError';
import { SleepCancelled } from '../helpers/cancellableSleep';
import type { TaskOutput, TaskState } from '../helpers/taskRecord';
import { ExecutionCancelled, VeoRequestError } from '../transport/veoClient';

export type ItemError = NodeOperationError | NodeApiError;

/** The node (with its On Error setting): all the results need to know of the run they belong to. */
export interface ResultContext {
	getNode(): INode;
}

/**
 * Each error's own description, before the list of created tasks was added. An error can pass through
 * more than once (a failed download is thrown where it happens, and again when the run ends): the list
 * is written anew each time, so it also names the tasks accepted after the failure was first seen.
 */
const ownDescriptions = new WeakMap<ItemError, string | undefined>();

/** The service's own account of a failure, kept beside the NodeApiError that tells it in words. */
const serviceFailures = new WeakMap<ItemError, ApiFailure & { taskId?: string }>();

/**
 * The output of one run, kept in input order. It also remembers every task created so far: when the
 * node has to fail, the error lists them, so paid work can be fetched with Get Task instead of being
 * paid for again.
 */
export class ItemResults {
	private readonly results: INodeExecutionData[][];

	private readonly created = new Map<string, { itemIndex: number; state: TaskState }>();

	/** JSON every regular output item of an item carries, such as the URLs its images were uploaded to. */
	private readonly descriptions = new Map<number, IDataObject>();

	constructor(
		private readonly ctx: ResultContext,
		itemCount: number,
	) {
		this.results = Array.from({ length: itemCount }, () => []);
	}

	add(itemIndex: number, item: Pick<INodeExecutionData, 'json' | 'binary'>): void {
		this.push(itemIndex, { ...item, json: { ...item.json, ...this.descriptions.get(itemIndex) } });
	}

	describe(itemIndex: number, json: IDataObject): void {
		this.descriptions.set(itemIndex, { ...this.descriptions.get(itemIndex), ...json });
	}

	private push(itemIndex: number, item: Pick<INodeExecutionData, 'json' | 'binary'>): void {
		this.results[itemIndex].push({ ...item, pairedItem: { item: itemIndex } });
	}

	/** Records a task the service accepted (and so may charge for). */
	taskCreated(itemIndex: number, taskId: string, state: TaskState = 'submitted'): void {
		this.created.set(taskId, { itemIndex, state });
	}

	taskState(taskId: string, state: TaskState): void {
		const task = this.created.get(taskId);
		if (task) task.state = state;
	}

	/**
	 * Fails one item: with continue-on-fail it becomes an error item and the run goes on; otherwise
	 * the node stops here, naming the tasks already created.
	 */
	fail(itemIndex: number, error: unknown, task?: { taskId: string; state?: TaskState }): void {
		const nodeError = this.toNodeError(error, itemIndex);
		const onError = onErrorOf(this.ctx.getNode());
		if (onError === 'stop') throw this.withCreatedTasks(nodeError);
		// Error items keep their own shape: n8n routes them to the error output by it.
		this.push(itemIndex, { json: errorItemJson(nodeError, onError === 'continueErrorOutput', task) });
	}

	/** Whether a failed item ends the run (On Error: Stop Workflow) instead of becoming an error item. */
	get failureStops(): boolean {
		return onErrorOf(this.ctx.getNode()) === 'stop';
	}

	/** Errors that end the whole run (a cancelled execution) still name the paid tasks. */
	abort(error: unknown, note?: string): never {
		const nodeError = this.toNodeError(error, undefined);
		if (note) {
			const own = ownDescriptionOf(nodeError);
			ownDescriptions.set(nodeError, own ? `${note}\n\n${own}` : note);
			nodeError.description = ownDescriptions.get(nodeError);
		}
		throw this.withCreatedTasks(nodeError);
	}


	collect(): INodeExecutionData[] {
		return this.results.flat();
	}

	toNodeError(error: unknown, itemIndex: number | undefined): ItemError {
		const node = this.ctx.getNode();
		const where = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
		if (error instanceof NodeOperationError || error instanceof NodeApiError) return error;
		if (error instanceof InputError) {
			return new NodeOperationError(node, `${error.message}${where}`, { itemIndex, description: error.hint });
		}
		if (error instanceof VeoRequestError) return apiError(this.ctx, error.failure, itemIndex);
		if (error instanceof ExecutionCancelled || error instanceof SleepCancelled) {
			return new NodeOperationError(node, 'The execution was cancelled while waiting for Veo', { itemIndex });
		}
		const message = error instanceof Error ? error.message : String(error);
		return new NodeOperationError(node, `${message}${where}`, { itemIndex });
	}

	private withCreatedTasks(error: ItemError): ItemError {
		if (this.created.size === 0) return error;
		const own = ownDescriptionOf(error);
		const lines = [...this.created].map(
			([taskId, task]) => `- ${taskId} (item ${task.itemIndex}, ${task.state})`,
		);
		const note =
			'Tasks already created at Ace Data Cloud (they keep running and may be charged; fetch them with the Get Task operation instead of submitting again):\n' +
			lines.join('\n');
		error.description = own ? `${own}\n\n${note}` : note;
		return error;
	}
}

function ownDescriptionOf(error: ItemError): string | undefined {
	if (!ownDescriptions.has(error)) ownDescriptions.set(error, error.description ?? undefined);
	return ownDescriptions.get(error);
}

/**
 * A failed item's JSON. For the regular output it is flat, as it always was. For the error output it
 * has only the keys `error` and `message`: n8n (1.x and 2.x) routes an item to the error output by
 * that shape (an item carrying `error` itself would do too, but n8n then replaces its JSON with the
 * bare message, losing the task), so the task and the service's words go inside `error`.
 */
function errorItemJson(error: ItemError, forErrorOutput: boolean, task?: { taskId: string; state?: TaskState }): IDataObject {
	const failure = serviceFailures.get(error);
	const facts: IDataObject = {
		...(task ? { taskId: task.taskId, state: task.state ?? 'submitted' } : {}),
		...(failure
			? {
					code: failure.code,
					serviceMessage: failure.message,
					...(failure.traceId ? { traceId: failure.traceId } : {}),
					...(failure.status !== undefined ? { httpCode: failure.status } : {}),
				}
			: {}),
	};
	const details = error.description ? { [forErrorOutput ? 'description' : 'details']: error.description } : {};
	if (!forErrorOutput) return { error: error.message, ...details, ...facts };
	return { message: error.message, error: { message: error.message, ...details, ...facts } };
}

export function apiError(ctx: Pick<ResultContext, 'getNode'>, failure: ApiFailure, itemIndex?: number): NodeApiError {
	const where = itemIndex === undefined ? '' : ` [item ${itemIndex}]`;
	return serviceError(ctx, failure, { message: `${explainFailure(failure)}${where}`, description: failureDetails(failure), itemIndex });
}

/**
 * A NodeApiError that keeps the service's code, message and trace id, and says exactly the message
 * given: n8n would otherwise swap it for a generic text when the code looks like a network error.
 */
export function serviceError(
	ctx: Pick<ResultContext, 'getNode'>,
	failure: ApiFailure & { taskId?: string },
	text: { message: string; description: string; itemIndex?: number },
): NodeApiError {
	const response: JsonObject = { code: failure.code, message: failure.message };
	if (failure.traceId) response.trace_id = failure.traceId;
	if (failure.taskId) response.task_id = failure.taskId;
	if (failure.status !== undefined) response.httpCode = String(failure.status);
	const error = new NodeApiError(ctx.getNode(), response, {
		...text,
		httpCode: failure.status === undefined ? undefined : String(failure.status),
	});
	error.message = text.message;
	serviceFailures.set(error, failure);
	return error;
}

/** A task the service reports as failed; only such a task is known to be free. */
export function taskFailedError(ctx: Pick<ResultContext, 'getNode'>, output: TaskOutput, itemIndex: number): NodeApiError {
	const { code, message } = output.error ?? { code: 'failed', message: 'The task failed' };
	const failure = { code, message, traceId: output.traceId ?? undefined, taskId: output.taskId };
	return serviceError(ctx, failure, {
		message: `Veo task ${output.taskId} failed: ${message} (${code}) [item ${itemIndex}]`,
		// Only a task the service itself reports as failed is known to be free.
		description: `${failureDetails(failure)}.${code === 'missing_video_url' ? ' Fetch the task later with Get Task.' : ' Failed tasks are not charged.'}`,
		itemIndex,
	});
}
