import { NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { InputError } from '../helpers/inputError';
import { MAX_VIDEO_SIZE_DEFAULT_MB } from '../helpers/limits';
import { cancellableSleep } from '../helpers/cancellableSleep';
import { READ_ATTEMPTS, withReadRetries } from '../helpers/readRetry';
import type { Caught } from '../helpers/caught';
import type { TaskOutput } from '../helpers/taskRecord';
import type { Deadline } from '../helpers/deadline';
import { msLeft } from '../helpers/deadline';
import type { VeoClient, VeoNodeContext } from '../transport/veoClient';
import { VeoRequestError } from '../transport/veoClient';
import { fetchVideo } from '../transport/videoFetch';
import type { ItemResults } from '../output/itemResults';

export interface DownloadSettings {
	/** The binary field to put the video in. */
	binaryPropertyName: string;
	maxVideoBytes: number;
}

/**
 * The parameter holding the output binary field's name. n8n's editor takes any parameter whose name
 * contains "binaryPropertyName" for an input field and shows its input-field tooltip on it. Versions
 * 1 and 2 keep that name, so that their saved workflows keep their value (n8n drops parameters a
 * version does not know); version 2.1 renamed it to one that says output, and changed nothing else.
 */
export function outputFieldParameter(typeVersion: number): string {
	return typeVersion < 2.1 ? 'binaryPropertyName' : 'outputBinaryField';
}

/** Where to put the video and how big it may be, or undefined when the user did not ask for it. */
export function readDownloadSettings(ctx: IExecuteFunctions, itemIndex: number): DownloadSettings | undefined {
	if (!(ctx.getNodeParameter('downloadVideo', itemIndex, false) as boolean)) return undefined;
	const name = ctx.getNodeParameter(outputFieldParameter(ctx.getNode().typeVersion), itemIndex, 'data');
	if (typeof name !== 'string' || name.trim() === '') {
		throw new InputError('Put Output File in Field', "The 'Put Output File in Field' field is empty", 'Name the binary field for the video, for example data.');
	}
	const megabytes = ctx.getNodeParameter('maxVideoSize', itemIndex, MAX_VIDEO_SIZE_DEFAULT_MB);
	if (typeof megabytes !== 'number' || !Number.isFinite(megabytes) || megabytes <= 0) {
		throw new InputError('Max Video Size (MB)', `'${String(megabytes)}' in 'Max Video Size (MB)' is not a positive number`, `Leave it at ${MAX_VIDEO_SIZE_DEFAULT_MB} unless your videos are larger.`);
	}
	return { binaryPropertyName: name.trim(), maxVideoBytes: Math.round(megabytes * 1_000_000) };
}

/**
 * A download worth trying again: the connection broke (no answer, or cut half-way) or the host had
 * a passing problem. A 404 or a web page instead of the video will not change a second later.
 */
export function isTransientDownload(failure: ApiFailure): boolean {
	const { status, code } = failure;
	// A download that timed out used up its time; one too large will not shrink.
	if (NEVER_AGAIN.includes(code)) return false;
	return status === undefined || status === 408 || status === 429 || status >= 500;
}

const NEVER_AGAIN = [
	'ETIMEDOUT',
	'ECONNABORTED',
	'ESOCKETTIMEDOUT',
	'download_timeout',
	'video_too_large',
	'invalid_video_url',
	'too_many_redirects',
];

/** What went wrong, in words for the item's error message. */
function downloadProblem(failure: ApiFailure): string {
	if (failure.code === 'invalid_video_url') return 'the service gave a video address that is not an http(s) address';
	if (failure.code === 'download_timeout' || failure.code === 'video_too_large') return lowerFirst(failure.message);
	if (failure.code === 'too_many_redirects') return 'the video address redirected too many times';
	if (failure.status === undefined) return 'the connection to the video host broke off before the whole video arrived';
	if (failure.status === 200) return 'the video address answered with a web page or an error message instead of the video';
	if (failure.status === 404) return 'the video address answered "not found" (HTTP 404)';
	return `the video address answered HTTP ${failure.status}`;
}

function lowerFirst(text: string): string {
	return text.charAt(0).toLowerCase() + text.slice(1);
}

export type VideoDownload = Caught<IBinaryData> & { attempts: number };

/**
 * Downloads the video of a finished task, when asked, within its deadline and size limit; a passing
 * failure is tried again while time is left. Undefined when there is nothing to download.
 */
export async function downloadFor(
	ctx: VeoNodeContext,
	client: VeoClient,
	output: TaskOutput,
	settings: DownloadSettings | undefined,
	deadline: Deadline,
	signal?: AbortSignal,
): Promise<VideoDownload | undefined> {
	if (!settings || output.state !== 'succeeded' || !output.videoUrl) return undefined;
	return await withReadRetries(
		async () =>
			await fetchVideo(
				ctx,
				client,
				output.videoUrl as string,
				output.taskId,
				{ deadline, maxBytes: settings.maxVideoBytes, signal },
				(output.raw.request as { resolution?: unknown } | undefined)?.resolution,
			),
		{
			sleep: async (ms) => await cancellableSleep(ms, signal),
			retryable: (failure) => isTransientDownload(failure) && msLeft(deadline) > 0,
			attempts: READ_ATTEMPTS,
		},
	);
}

/** One finished task whose video is downloaded (videoDownloads.ts), and where its output goes. */
export interface DownloadJob {
	itemIndex: number;
	output: TaskOutput;
	settings?: DownloadSettings;
}

/** The task's output item: with its video, or (the download failed) as an error of that item only. */
export function addVideoResult(
	ctx: VeoNodeContext,
	results: ItemResults,
	itemIndex: number,
	output: TaskOutput,
	settings: DownloadSettings | undefined,
	download: VideoDownload | undefined,
): void {
	if (!settings || !download) {
		results.add(itemIndex, { json: output });
		return;
	}
	const { binaryPropertyName } = settings;
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
