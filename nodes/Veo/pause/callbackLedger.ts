import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { DownloadSettings } from '../transfers/videoDownload';

/**
 * While an execution waits for Ace Data Cloud's callbacks, n8n keeps nothing of the node but its
 * input items, and a callback that does not resume the execution saves nothing at all. So the node
 * replaces its input with this ledger before it pauses: one item per input item, either a task it
 * waits for or the item's settled result (an error item under continue-on-fail). Each callback reads
 * the ledger back and asks the service about the tasks; the service is the record of who reported.
 * If n8n resumes the execution because Max Wait passed, it passes the ledger on as the output, so each
 * awaited item is written to be a meaningful output in that case too.
 */

/** Marks an awaited item of the ledger (`waitingFor: 'callback'`). */
const AWAITING = 'callback';

export interface AwaitedTask {
	itemIndex: number;
	taskId: string;
	/** Where to put the video and how big it may be, when the user asked for it. */
	download?: DownloadSettings;
}

export interface Ledger {
	awaited: AwaitedTask[];
	/** Items already settled before the pause, by input index, output as they are. */
	settled: Map<number, IDataObject>;
}

/** The ledger as input items, in input order. `settled` items keep their pairedItem. */
export function ledgerItems(awaited: AwaitedTask[], settled: INodeExecutionData[], maxWaitSeconds: number): INodeExecutionData[] {
	const items: INodeExecutionData[] = [
		...settled,
		...awaited.map(({ itemIndex, taskId, download }) => ({
			json: {
				taskId,
				state: 'submitted',
				waitingFor: AWAITING,
				message: `Ace Data Cloud did not call back within Max Wait (${maxWaitSeconds} s). The task may still finish: fetch it with Get Task (task ID ${taskId}) instead of submitting it again.`,
				...(download ? { binaryPropertyName: download.binaryPropertyName, maxVideoBytes: download.maxVideoBytes } : {}),
			},
			pairedItem: { item: itemIndex },
		})),
	];
	return items.sort((a, b) => itemIndexOf(a.pairedItem) - itemIndexOf(b.pairedItem));
}

/** Reads the ledger back from the waiting node's input; undefined when it holds none. */
export function readLedger(items: Array<Pick<INodeExecutionData, 'json' | 'pairedItem'>>): Ledger | undefined {
	const awaited: AwaitedTask[] = [];
	const settled = new Map<number, IDataObject>();
	for (const item of items) {
		const itemIndex = itemIndexOf(item.pairedItem);
		const { json } = item;
		if (json.waitingFor === AWAITING && typeof json.taskId === 'string' && json.taskId) {
			const { binaryPropertyName, maxVideoBytes } = json;
			const download =
				typeof binaryPropertyName === 'string' && typeof maxVideoBytes === 'number' ? { binaryPropertyName, maxVideoBytes } : undefined;
			awaited.push({ itemIndex, taskId: json.taskId, ...(download ? { download } : {}) });
		} else {
			settled.set(itemIndex, json);
		}
	}
	return awaited.length > 0 ? { awaited, settled } : undefined;
}

function itemIndexOf(pairedItem: INodeExecutionData['pairedItem']): number {
	const first = (Array.isArray(pairedItem) ? pairedItem[0] : pairedItem) as IPairedItemData | number | undefined;
	if (typeof first === 'number') return first;
	return first?.item ?? 0;
}

/** The task a callback is about, if its body names one. */
export function callbackTaskId(body: unknown): string | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const taskId = (body as IDataObject).task_id;
	return typeof taskId === 'string' && taskId.trim() ? taskId.trim() : undefined;
}

/** Whether a callback claims its task has finished (either way); only the service's record decides. */
export function callbackSaysFinished(body: IDataObject): boolean {
	return typeof body.success === 'boolean';
}
