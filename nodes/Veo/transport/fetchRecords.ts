import { chunk } from '../helpers/inputList';
import { cancellableSleep } from '../helpers/cancellableSleep';
import { withReadRetries } from '../helpers/readRetry';
import type { TaskRecord } from '../helpers/taskRecord';
import { BATCH_SIZE } from '../helpers/limits';
import type { VeoClient, VeoNodeContext } from './veoClient';
import { cancelSignalOf } from './veoClient';

/**
 * The records of the given tasks, by id: one `retrieve` for a single id, else `retrieve_batch` calls
 * of at most 50 ids. Ids the service does not know are missing from the map.
 */
export async function fetchRecords(ctx: VeoNodeContext, client: VeoClient, ids: string[]): Promise<Map<string, TaskRecord>> {
	const records = new Map<string, TaskRecord>();
	const signal = cancelSignalOf(ctx);
	// A look-up is free and changes nothing: a passing failure is asked again a couple of times.
	const read = async <T>(call: () => Promise<T>): Promise<T> => {
		const answer = await withReadRetries(call, { sleep: async (ms) => await cancellableSleep(ms, signal) });
		return answer.ok ? answer.value : await Promise.reject(answer.error);
	};
	if (ids.length === 1) {
		const record = await read(async () => await client.retrieve(ids[0]));
		if (record) records.set(ids[0], record);
		return records;
	}
	for (const batch of chunk(ids, BATCH_SIZE)) {
		for (const record of await read(async () => await client.retrieveBatch(batch))) records.set(String(record.id), record);
	}
	return records;
}
