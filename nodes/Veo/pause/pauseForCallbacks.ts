import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AwaitedTask } from './callbackLedger';
import { ledgerItems } from './callbackLedger';
import { callbackAddress, isLoopbackAddress } from './resumeAddress';
import { pauseKey } from './resumeClaims';
import { caught } from '../helpers/caught';
import type { TaskRecord } from '../helpers/taskRecord';
import { recordFinished, taskOutput } from '../helpers/taskRecord';
import type { VeoClient, VeoNodeContext } from '../transport/veoClient';
import { fetchRecords } from '../transport/fetchRecords';
import { checkForMissedCallbacks } from './missedCallbacks';
import type { ItemResults } from '../output/itemResults';
import { taskFailedError } from '../output/itemResults';
import type { TaskOutput } from '../helpers/taskRecord';
import { addInOrder } from '../transfers/videoDownloads';

/**
 * The address Ace Data Cloud posts each finished task to: this execution's resume URL, made for the
 * waiting node. Only a workflow execution can pause; an AI agent calling the node as a tool cannot.
 */
export function callbackAddressOf(ctx: IExecuteFunctions): string {
	const node = ctx.getNode();
	if (node.type.endsWith('Tool')) {
		throw new NodeOperationError(node, 'The node cannot pause for callbacks while an AI agent uses it as a tool', {
			description: "Set 'Wait for Video' to 'Wait Here (Poll)' or 'Don't Wait' for tool use.",
		});
	}
	const resumeUrl = ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0);
	if (typeof resumeUrl !== 'string' || !/^https?:\/\//.test(resumeUrl)) {
		throw new NodeOperationError(node, 'n8n gave this execution no resume address to call back', {
			description: "Check n8n's WEBHOOK_URL setting, or set 'Wait for Video' to 'Wait Here (Poll)'.",
		});
	}
	return callbackAddress(resumeUrl, node.id);
}

/**
 * A service on another machine cannot call back to `localhost`: n8n builds the resume address from
 * WEBHOOK_URL, which a self-hosted n8n must set to its public address. Checked before anything is paid for.
 */
export function checkReachable(ctx: IExecuteFunctions, callbackUrl: string, baseUrl: string): void {
	if (!isLoopbackAddress(callbackUrl) || isLoopbackAddress(baseUrl)) return;
	const { origin } = new URL(callbackUrl);
	throw new NodeOperationError(
		ctx.getNode(),
		`Ace Data Cloud cannot call back to ${origin}: that address only works on this machine`,
		{
			description:
				"n8n builds the resume address from its WEBHOOK_URL setting. Set WEBHOOK_URL to this n8n's public https address (for example https://n8n.example.com/) and restart n8n, or set 'Wait for Video' to 'Wait Here (Poll)'. Nothing was submitted.",
		},
	);
}

/**
 * Every task is submitted with the resume address: pause the execution until they all report, or
 * until Max Wait from now. What n8n keeps while it waits is the ledger (see callbackLedger).
 */
export async function pauseForCallbacks(
	ctx: IExecuteFunctions,
	client: VeoClient,
	results: ItemResults,
	awaited: AwaitedTask[],
	maxWaitMs: number,
): Promise<INodeExecutionData[]> {
	// A task that finished while the node was still submitting called back to a running execution,
	// which n8n turns away (409). One look now catches those; if all are done there is nothing to wait for.
	const look = await caught(async () => await fetchRecords(ctx, client, awaited.map((task) => task.taskId)));
	if (look.ok && awaited.every((task) => recordFinished(look.value.get(task.taskId)))) {
		await finishAwaited(ctx, client, results, awaited, look.value);
		return results.collect();
	}
	const ledger = ledgerItems(awaited, results.collect(), Math.round(maxWaitMs / 1000));
	// While an execution waits, n8n keeps the waiting node's input and nothing else of it: the
	// ledger takes the input's place, so each callback can read it back.
	ctx.getExecuteData().data.main = [ledger];
	const untilMs = Date.now() + maxWaitMs;
	await ctx.putExecutionToWait(new Date(untilMs));
	// A task that finishes after that look but before n8n saves the pause calls back in vain too
	// (and a callback can be lost): the paused execution checks by itself, soon and then now and then.
	const key = pauseKey(ctx.getExecutionId(), awaited[0].taskId);
	checkForMissedCallbacks(ctx, { key, callbackUrl: callbackAddressOf(ctx), taskId: awaited[0].taskId, untilMs });
	// A copy: with an error output, n8n empties the array a node returns while it sorts the items
	// onto its outputs, and this one is also the input that the callbacks read back.
	return [...ledger];
}

/** Every awaited task has finished: their outputs, exactly as in poll mode (with the videos if asked). */
export async function finishAwaited(
	ctx: VeoNodeContext,
	client: VeoClient,
	results: ItemResults,
	awaited: AwaitedTask[],
	records: Map<string, TaskRecord>,
): Promise<void> {
	const outputs = awaited.map((task) => ({ task, output: taskOutput(records.get(task.taskId) ?? {}, task.taskId) }));
	for (const { task, output } of outputs) results.taskCreated(task.itemIndex, task.taskId, output.state);
	// A failed task fails the node (On Error: Stop) before any download starts.
	const failed = outputs.find(({ output }) => output.state === 'failed');
	if (failed && results.failureStops) reportFailed(ctx, results, failed.task, failed.output);
	// The downloads run a few at a time, all within one deadline; the output keeps the input's order.
	await addInOrder(
		ctx,
		client,
		results,
		outputs.map(({ task, output }) =>
			output.state === 'failed' ? () => reportFailed(ctx, results, task, output) : { itemIndex: task.itemIndex, output, settings: task.download },
		),
	);
}

function reportFailed(ctx: VeoNodeContext, results: ItemResults, task: AwaitedTask, output: TaskOutput): void {
	results.fail(task.itemIndex, taskFailedError(ctx, output, task.itemIndex), { taskId: task.taskId, state: output.state });
}
