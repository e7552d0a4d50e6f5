import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { InputError } from '../helpers/inputError';
import { parseTextList } from '../helpers/inputList';
import type { TaskRecord } from '../helpers/taskRecord';
import { taskOutput } from '../helpers/taskRecord';
import { BATCH_SIZE } from '../helpers/limits';
import { createVeoClient } from '../transport/veoClient';
import { fetchRecords } from '../transport/fetchRecords';
import { ItemResults } from '../output/itemResults';
import { downloadFields } from '../fields/sharedFields';
import type { DownloadSettings } from '../transfers/videoDownload';
import { readDownloadSettings } from '../transfers/videoDownload';
import { addInOrder } from '../transfers/videoDownloads';
import type { OperationOption } from './operations';

export const option: OperationOption = {
	name: 'Get Task',
	value: 'getTask',
	action: 'Get a video task',
	description: 'Look up one or more tasks: state, video URL, and optionally the video',
};

const properties: INodeProperties[] = [
	{
		displayName: 'Task IDs',
		name: 'taskIds',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. dd01fc69-e1f7-4b68-aa8c-463f6b748d11',
		description:
			'One task ID, or up to 50 separated by commas or new lines (or an array from an expression). Each task becomes one output item.',
	},
	...downloadFields(1),
	...downloadFields(2),
	...downloadFields(2.1),
];

export const description = updateDisplayOptions({ show: { operation: [option.value] } }, properties);

interface ItemQuery {
	itemIndex: number;
	taskIds: string[];
	download?: DownloadSettings;
}

/**
 * Looks tasks up without waiting. The ids of all items are asked for together: one `retrieve` for a
 * single id, else `retrieve_batch` calls of at most 50 ids.
 */
export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const results = new ItemResults(this, this.getInputData().length);
	const queries: ItemQuery[] = [];
	for (let itemIndex = 0; itemIndex < this.getInputData().length; itemIndex++) {
		try {
			queries.push({
				itemIndex,
				taskIds: readTaskIds(this.getNodeParameter('taskIds', itemIndex)),
				download: readDownloadSettings(this, itemIndex),
			});
		} catch (error) {
			results.fail(itemIndex, error);
		}
	}
	if (queries.length === 0) return results.collect();

	const client = await createVeoClient(this);
	let records: Map<string, TaskRecord>;
	try {
		records = await fetchRecords(this, client, [...new Set(queries.flatMap((query) => query.taskIds))]);
	} catch (error) {
		for (const query of queries) results.fail(query.itemIndex, error);
		return results.collect();
	}

	const found = queries.flatMap(({ itemIndex, taskIds, download }) =>
		taskIds.map((taskId) => {
			const record = records.get(taskId);
			return { itemIndex, taskId, settings: download, output: record ? taskOutput(record, taskId) : undefined };
		}),
	);
	// A task not found fails the node (On Error: Stop) before any download starts.
	const missing = found.find(({ output }) => !output);
	if (missing && results.failureStops) results.fail(missing.itemIndex, notFound(this, missing.taskId, missing.itemIndex));
	// The downloads run a few at a time, all within one deadline; the output keeps the order the ids were asked in.
	await addInOrder(
		this,
		client,
		results,
		found.map(({ itemIndex, taskId, settings, output }) =>
			output ? { itemIndex, output, settings } : () => results.fail(itemIndex, notFound(this, taskId, itemIndex), { taskId, state: 'submitted' }),
		),
	);
	return results.collect();
}

function readTaskIds(value: unknown): string[] {
	const ids = parseTextList(value, 'Task IDs');
	if (ids.length === 0) {
		throw new InputError('Task IDs', "The 'Task IDs' field is empty", 'Enter the task ID that a Veo operation returned (its "taskId" output).');
	}
	if (ids.length > BATCH_SIZE) {
		throw new InputError(
			'Task IDs',
			`The 'Task IDs' field holds ${ids.length} task IDs; one item can ask for at most ${BATCH_SIZE}`,
			'Split the IDs over several items (for example with the Split Out node).',
		);
	}
	return ids;
}

function notFound(ctx: IExecuteFunctions, taskId: string, itemIndex: number): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), `Veo task ${taskId} was not found [item ${itemIndex}]`, {
		itemIndex,
		description:
			'Check the task ID (a Veo operation outputs it as "taskId"). Tasks are visible only with a token of the account that created them.',
	});
}
