import type { IDataObject } from 'n8n-workflow';

import type { VeoCreateBody } from '../helpers/requestBody';
import type { TaskRecord } from '../helpers/taskRecord';

/**
 * When to look for the task of a create whose answer was lost (a time-out, a 5xx, a dropped
 * connection), counted from that failure. A gateway can give up while the service still creates, so
 * the looks go on for 30 s, closer together at first, when a late record is most likely to appear.
 */
export const LOOK_AFTER_MS = [0, 2000, 5000, 10_000, 20_000, 30_000];

/** The service's clock and ours may differ by this much when comparing a record's creation time. */
export const CLOCK_TOLERANCE_S = 2;

export type Adoption =
	| { kind: 'none' }
	| { kind: 'adopt'; record: TaskRecord }
	/** More than one record could be ours: guessing could report another run's task as this item's. */
	| { kind: 'ambiguous'; taskIds: string[] };

/**
 * Which listed record is the task of a create sent at `sentAt` (ms): one with exactly our request,
 * created after the create was sent, and not already claimed by another item of this run. Another
 * execution sending the same request in the same moment can still make two candidates: then none is
 * taken.
 */
export function adoptionOf(records: TaskRecord[], body: VeoCreateBody, sentAt: number, claimed: Set<string>): Adoption {
	const candidates = records.filter(
		(record) =>
			record.id &&
			!claimed.has(String(record.id)) &&
			typeof record.created_at === 'number' &&
			record.created_at >= sentAt / 1000 - CLOCK_TOLERANCE_S &&
			sameRequest(record.request, body),
	);
	if (candidates.length === 0) return { kind: 'none' };
	if (candidates.length === 1) return { kind: 'adopt', record: candidates[0] };
	return { kind: 'ambiguous', taskIds: candidates.map((record) => String(record.id)) };
}

/** A stored task record is ours when it holds every field we sent, with the same values. */
export function sameRequest(stored: IDataObject | undefined, body: VeoCreateBody): boolean {
	if (!stored || typeof stored !== 'object') return false;
	return Object.entries(body).every(([key, value]) => JSON.stringify(stored[key]) === JSON.stringify(value));
}
