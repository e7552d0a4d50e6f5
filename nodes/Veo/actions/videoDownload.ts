import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { InputError } from '../helpers/inputError';
import { pause } from '../helpers/pause';
import { READ_ATTEMPTS, withReadRetries } from '../helpers/readRetry';
import type { TaskOutput } from '../helpers/taskRecord';
import type { VeoClient, VeoNodeContext } from '../transport/veoClient';
import { cancelSignalOf, VeoRequestError } from '../transport/veoClient';
import type { ItemResults } from './itemResults';
import { outputFieldParameter } from './sharedFields';

/** The binary field to download into, or undefined when the user did not ask for the video. */
export function readDownloadSettings(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	if (!(ctx.getNodeParameter('downloadVideo', itemIndex, false) as boolean)) return undefined;
	const name = ctx.getNodeParameter(outputFieldParameter(ctx.getNode().typeVersion), itemIndex, 'data');
	if (typeof name !== 'string' || name.trim() === '') {
		throw new InputError('Put Output File in Field', "The 'Put Output File in Field' field is empty", 'Name the binary field for the video, for example data.');
	}
	return name.trim();
}

/**
 * A download worth trying again: the connection broke (no answer, or cut half-way) or the host had
 * a passing problem. A 404 or a web page instead of the video will not change a second later.
 */
export function isTransientDownload(failure: ApiFailure): boolean {
	const { status, code } = failure;
	// A download that timed out already took minutes; trying again would hold the node far longer.
	if (TIMEOUT_CODES.includes(code) || code === 'invalid_video_url') return false;
	return status === undefined || status === 408 || status === 429 || status >= 500;
}

const TIMEOUT_CODES = ['ETIMEDOUT', 'ECONNABORTED', 'ESOCKETTIMEDOUT'];

/** What went wrong, in words for the item's error message. */
function downloadProblem(failure: ApiFailure): string {
	if (failure.code === 'invalid_video_url') return 'the service gave a video address that is not an http(s) address';
	if (failure.status === undefined) return 'the connection to the video host broke off before the whole video arrived';
	if (failure.status === 200) return 'the video address answered with a web page or an error message instead of the video';
	if (failure.status === 404) return 'the video address answered "not found" (HTTP 404)';
	return `the video address answered HTTP ${failure.status}`;
}

/**
 * Adds one finished task to the output, with its video as binary data when asked. A download that
 * breaks for a passing reason is tried again a couple of times; one that still fails fails only that
 * item, and says how to get the video again without paying for a new one.
 */
export async function attachVideo(
	ctx: VeoNodeContext,
	client: VeoClient,
	results: ItemResults,
	itemIndex: number,
	output: TaskOutput,
	binaryPropertyName: string | undefined,
): Promise<void> {
	if (!binaryPropertyName || output.state !== 'succeeded' || !output.videoUrl) {
		results.add(itemIndex, { json: output });
		return;
	}
	const signal = cancelSignalOf(ctx);
	const download = await withReadRetries(
		async () => await client.downloadVideo(output.videoUrl as string, `${output.taskId}.mp4`),
		{ pause: async (ms) => await pause(ms, signal), retryable: isTransientDownload, attempts: READ_ATTEMPTS },
	);
	if (download.ok) {
		results.add(itemIndex, { json: output, binary: { [binaryPropertyName]: download.value } });
		return;
	}
	const { error } = download;
	if (!(error instanceof VeoRequestError)) {
		results.abort(error);
	} else {
		const tries = download.attempts > 1 ? ` (tried ${download.attempts} times)` : '';
		results.fail(
			itemIndex,
			new NodeOperationError(
				ctx.getNode(),
				`The video of task ${output.taskId} could not be downloaded: ${downloadProblem(error.failure)}${tries} [item ${itemIndex}]`,
				{
					itemIndex,
					description:
						`The video was made and is at ${output.videoUrl}. Run Get Task with Download Video on for task ${output.taskId} to try the download again; do not submit the prompt again (that would make and pay for a new video).` +
						` Details: ${error.failure.code}: ${error.failure.message}`,
				},
			),
			{ taskId: output.taskId, state: output.state },
		);
	}
}
