import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { Ledger } from './callbackLedger';
import { callbackSaysFinished } from './callbackLedger';
import { cancellableSleep } from '../helpers/cancellableSleep';
import { pauseKey } from './resumeClaims';
import type { Caught } from '../helpers/caught';
import { SharedQueries, withQueryRetries } from './sharedQueries';
import type { TaskRecord } from '../helpers/taskRecord';
import { recordFinished } from '../helpers/taskRecord';
import type { VeoClient } from '../transport/veoClient';
import { fetchRecords } from '../transport/fetchRecords';

/**
 * A callback that says its task finished, while the service's record still says running, is asked
 * about again for this long (the record may lag a moment behind the callback) before the answer is
 * "waiting".
 */
export const CATCH_UP_MS = 10_000;
const CATCH_UP_GAP_MS = 2000;

const clock = { now: () => Date.now(), sleep: async (ms: number) => await cancellableSleep(ms) };
const queries = new SharedQueries<Map<string, TaskRecord>>(clock);

/**
 * What the service's records say about a paused batch, on a callback's word. Anyone who knows the
 * resume address can post a callback, so its body decides nothing: it only makes the node look (a
 * forged "succeeded" must not fetch a video from an address of the forger's choosing, a forged
 * "failed" must not invite a paid resubmit of a task that then succeeds).
 */
export async function queryPausedBatch(
	ctx: IWebhookFunctions,
	client: VeoClient,
	ledger: Ledger,
	taskId: string,
	body: IDataObject,
): Promise<Caught<Map<string, TaskRecord>>> {
	const ids = ledger.awaited.map((task) => task.taskId);
	// One pause of one execution: the same key as its resume claim.
	const batchKey = pauseKey(ctx.getExecutionId(), ids[0]);
	const query = async () =>
		await withQueryRetries(async () => await queries.query(batchKey, async () => await fetchRecords(ctx, client, ids)), clock);
	let records = await query();
	const until = Date.now() + CATCH_UP_MS;
	while (records.ok && callbackSaysFinished(body) && !recordFinished(records.value.get(taskId)) && Date.now() + CATCH_UP_GAP_MS <= until) {
		await cancellableSleep(CATCH_UP_GAP_MS);
		records = await query();
	}
	return records;
}
