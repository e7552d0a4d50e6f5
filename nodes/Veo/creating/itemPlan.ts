import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { BinaryImageRef } from '../helpers/binaryImageRefs';
import { caughtSync } from '../helpers/caught';
import { InputError } from '../helpers/inputError';
import {
	MAX_VIDEOS_IN_PROGRESS_DEFAULT,
	MAX_WAIT_DEFAULT_S,
	MAX_WAIT_HIDDEN_S,
	MAX_WAIT_MAX_IN_WORDS,
	MAX_WAIT_MAX_S,
	MAX_WAIT_MIN_S,
	POLL_INTERVAL_DEFAULT_S,
	POLL_INTERVAL_MAX_IN_WORDS,
	POLL_INTERVAL_MAX_S,
	POLL_INTERVAL_MIN_S,
} from '../helpers/limits';
import type { CreateInput } from '../helpers/requestBody';
import { buildCreateRequest } from '../helpers/requestBody';
import { fingerprintOf } from '../engine/createLedger';
import type { BatchJob } from '../engine/videoBatch';
import type { ItemResults } from '../output/itemResults';
import type { DownloadSettings } from '../transfers/videoDownload';
import { readDownloadSettings } from '../transfers/videoDownload';

/**
 * Reading and checking one item's parameters for a create, before anything is paid: the request body,
 * how the run waits, its limits and downloads.
 */

export type WaitMode = 'poll' | 'callback' | 'none';

/** One item, checked and ready to submit. */
export interface ItemPlan extends BatchJob {
	/** Whether the panel shows Max Wait in this mode (messages name only fields the user can see). */
	maxWaitShown: boolean;
	download?: DownloadSettings;
	pollIntervalMs: number;
	maxConcurrent: number;
	/** Submitted with this execution's resume address; the execution pauses until it reports. */
	awaitsCallback: boolean;
	/** Images to upload before the create; their URLs complete the body. */
	binaryImages?: BinaryImageRef[];
	/** The request as checked, before images are uploaded: what an earlier try's create is matched by. */
	fingerprint: string;
}

/**
 * How this run waits: version 1's switch means poll or not; version 2 names the mode, one for the
 * whole batch (a batch that pauses for some items and polls for others would gain nothing).
 */
export function readWaitMode(ctx: IExecuteFunctions, itemIndex: number): WaitMode {
	if (ctx.getNode().typeVersion < 2) {
		return (ctx.getNodeParameter('waitForCompletion', itemIndex, true) as boolean) ? 'poll' : 'none';
	}
	const mode = ctx.getNodeParameter('waitMode', 0, 'poll') as string;
	if (mode === 'poll' || mode === 'callback' || mode === 'none') return mode;
	throw new NodeOperationError(ctx.getNode(), `'${mode}' is not a way to wait for the video`, {
		description: "Choose one of the options of 'Wait for Video'.",
	});
}

export function planItems(
	ctx: IExecuteFunctions,
	readInput: (itemIndex: number) => CreateInput,
	results: ItemResults,
	callbackUrl: string | undefined,
): ItemPlan[] {
	const plans: ItemPlan[] = [];
	for (let itemIndex = 0; itemIndex < ctx.getInputData().length; itemIndex++) {
		const plan = caughtSync(() => planItem(ctx, itemIndex, readInput(itemIndex), callbackUrl));
		if (plan.ok) plans.push(plan.value);
		else results.fail(itemIndex, plan.error);
	}
	return plans;
}

function planItem(ctx: IExecuteFunctions, itemIndex: number, input: CreateInput, callbackUrl: string | undefined): ItemPlan {
	const { body, binaryImages } = buildCreateRequest(input);
	const fingerprint = fingerprintOf(body);
	if (callbackUrl) {
		if (body.callback_url) {
			throw new InputError(
				'Callback URL',
				"The 'Callback URL' option cannot be used while the node pauses until Ace Data Cloud calls back",
				"Remove the Callback URL option, or choose another way in 'Wait for Video'.",
			);
		}
		body.callback_url = callbackUrl;
	}
	const mode = callbackUrl ? 'callback' : readWaitMode(ctx, itemIndex);
	const wait = mode === 'poll';
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	// An option the panel hides in this mode is not read: a value left from another mode changes nothing.
	const pollInterval = wait ? readPollInterval(options.pollInterval) : POLL_INTERVAL_DEFAULT_S;
	const maxWaitShown = mode !== 'none';
	const maxWait = maxWaitShown ? readMaxWait(options.maxWait) : MAX_WAIT_HIDDEN_S;
	const maxConcurrent = seconds(options.maxConcurrent, MAX_VIDEOS_IN_PROGRESS_DEFAULT, 'Max Videos in Progress');
	if (wait && maxWait < pollInterval) {
		throw new InputError(
			'Max Wait (Seconds)',
			`Max Wait (${maxWait} s) is shorter than the Poll Interval (${pollInterval} s)`,
			'Make Max Wait at least as long as the Poll Interval.',
		);
	}
	if (maxConcurrent < 0 || !Number.isInteger(maxConcurrent)) {
		throw new InputError('Max Videos in Progress', 'Max Videos in Progress must be a whole number, 0 for no limit');
	}
	return {
		key: itemIndex,
		body,
		wait,
		maxWaitMs: maxWait * 1000,
		maxWaitShown,
		download: mode === 'none' ? undefined : readDownloadSettings(ctx, itemIndex),
		pollIntervalMs: pollInterval * 1000,
		maxConcurrent,
		awaitsCallback: mode === 'callback',
		binaryImages,
		fingerprint,
	};
}

const readPollInterval = (value: unknown) =>
	secondsWithin(value, 'Poll Interval (Seconds)', {
		fallback: POLL_INTERVAL_DEFAULT_S,
		min: POLL_INTERVAL_MIN_S,
		max: POLL_INTERVAL_MAX_S,
		maxInWords: POLL_INTERVAL_MAX_IN_WORDS,
	});
const readMaxWait = (value: unknown) =>
	secondsWithin(value, 'Max Wait (Seconds)', {
		fallback: MAX_WAIT_DEFAULT_S,
		min: MAX_WAIT_MIN_S,
		max: MAX_WAIT_MAX_S,
		maxInWords: MAX_WAIT_MAX_IN_WORDS,
	});

interface Bounds {
	fallback: number;
	min: number;
	max: number;
	maxInWords: string;
}

function secondsWithin(value: unknown, field: string, { fallback, min, max, maxInWords }: Bounds): number {
	const number = seconds(value, fallback, field);
	if (number < min || number > max) {
		throw new InputError(field, `The '${field}' option must be between ${min} and ${max} seconds (${maxInWords}); it is ${number}`);
	}
	return number;
}

function seconds(value: unknown, fallback: number, field: string): number {
	if (value === undefined || value === null || value === '') return fallback;
	const number = Number(value);
	if (!Number.isFinite(number)) throw new InputError(field, `'${String(value)}' in '${field}' is not a number`);
	return number;
}
