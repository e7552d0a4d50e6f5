import type { IDataObject } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import type { VeoCreateBody } from '../helpers/requestBody';

/**
 * What an earlier try of this run left for an item: the task the service accepted, or a create whose
 * answer was lost (it may have been created at `sentAt`; `body` is what was sent, to look for it).
 */
export type EarlierCreate =
	| { taskId: string; acceptedAt: number }
	| { sentAt: number; body: VeoCreateBody; failure?: ApiFailure };

interface Entry {
	fingerprint: string;
	taskId?: string;
	acceptedAt?: number;
	sentAt?: number;
	body?: VeoCreateBody;
	failure?: ApiFailure;
}

/** The node context's key for the ledger (n8n keeps it as JSON with the execution). */
export const LEDGER_KEY = 'veoCreates';

/**
 * The creates of one run of the node, kept in n8n's node context so that a try started by n8n's Retry
 * On Fail sees what earlier tries of the same run created (or may have created) and does not pay for
 * it again. n8n keeps the node context for the whole execution and runs every try of a run with the
 * same run index; a later run of the node in the same execution (a loop) has a higher run index, so
 * the ledger starts empty for it. Entries are written the moment they become true, as a try can
 * throw at any point.
 *
 * An entry belongs to an item (by index, so identical requests in one batch stay apart) and to the
 * exact request it was for (by fingerprint): an item whose request differs in the new try (an
 * expression with the time in it) is a new request.
 */
export class CreateLedger {
	private constructor(private readonly items: Record<string, Entry>) {}

	/** The ledger of run `runIndex` in `context`; the entries of an earlier run are dropped. */
	static open(context: IDataObject, runIndex: number): CreateLedger {
		const stored = context[LEDGER_KEY] as { runIndex?: number; items?: Record<string, Entry> } | undefined;
		if (!stored || stored.runIndex !== runIndex || typeof stored.items !== 'object' || stored.items === null) {
			context[LEDGER_KEY] = { runIndex, items: {} } as unknown as IDataObject;
		}
		return new CreateLedger((context[LEDGER_KEY] as unknown as { items: Record<string, Entry> }).items);
	}

	/** What an earlier try created for this item's request, if anything. */
	earlier(itemIndex: number, fingerprint: string): EarlierCreate | undefined {
		const entry = this.items[itemIndex];
		if (!entry || entry.fingerprint !== fingerprint) return undefined;
		if (entry.taskId) return { taskId: entry.taskId, acceptedAt: entry.acceptedAt ?? Date.now() };
		if (entry.sentAt !== undefined && entry.body) return { sentAt: entry.sentAt, body: entry.body, failure: entry.failure };
		return undefined;
	}

	/** A create is about to leave: from now on its task may exist. */
	sending(itemIndex: number, fingerprint: string, body: VeoCreateBody, sentAt: number): void {
		this.items[itemIndex] = { fingerprint, sentAt, body };
	}

	/** The service accepted the item's create (or its task was found after a lost answer). */
	accepted(itemIndex: number, fingerprint: string, taskId: string, acceptedAt: number): void {
		this.items[itemIndex] = { fingerprint, taskId, acceptedAt };
	}

	/** The create's answer was lost: the task may exist; `failure` is what the next try reports if it is not found. */
	lost(itemIndex: number, failure: ApiFailure): void {
		const entry = this.items[itemIndex];
		if (entry && !entry.taskId) entry.failure = failure;
	}

	/** The service clearly did not create it (refused, invalid, never reached): nothing to remember. */
	notCreated(itemIndex: number): void {
		if (!this.items[itemIndex]?.taskId) delete this.items[itemIndex];
	}
}

/**
 * A short, stable fingerprint of a create request (53-bit cyrb53 hash of its JSON with sorted keys):
 * enough to tell whether an item asks for the same thing as in the earlier try.
 */
export function fingerprintOf(body: VeoCreateBody | IDataObject): string {
	const text = canonicalJson(body);
	let h1 = 0xdeadbeef;
	let h2 = 0x41c6ce57;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		h1 = Math.imul(h1 ^ code, 2654435761);
		h2 = Math.imul(h2 ^ code, 1597334677);
	}
	h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
	h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
	return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

function canonicalJson(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as IDataObject)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}
