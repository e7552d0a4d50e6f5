import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../helpers/inputError';
import type { TaskOutput } from '../helpers/taskRecord';
import type { VeoClient } from '../transport/veoClient';
import { VeoRequestError } from '../transport/veoClient';
import { settle } from '../helpers/settle';
import type { ItemResults } from './itemResults';

/** The binary field to download into, or undefined when the user did not ask for the video. */
export function readDownloadSettings(ctx: IExecuteFunctions, itemIndex: number): string | undefined {
	if (!(ctx.getNodeParameter('downloadVideo', itemIndex, false) as boolean)) return undefined;
	const name = ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data');
	if (typeof name !== 'string' || name.trim() === '') {
		throw new InputError('Put Output File in Field', "The 'Put Output File in Field' field is empty", 'Name the binary field for the video, for example data.');
	}
	return name.trim();
}

/**
 * Adds one finished task to the output, with its video as binary data when asked. A broken download
 * fails only that item, and says how to get the video again without paying for a new one.
 */
export async function attachVideo(
	ctx: IExecuteFunctions,
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
	const download = await settle(async () => await client.downloadVideo(output.videoUrl as string, `${output.taskId}.mp4`));
	if (download.ok) {
		results.add(itemIndex, { json: output, binary: { [binaryPropertyName]: download.value } });
		return;
	}
	const { error } = download;
	if (!(error instanceof VeoRequestError)) {
		results.abort(error);
	} else {
		results.fail(
			itemIndex,
			new NodeOperationError(
				ctx.getNode(),
				`The video of task ${output.taskId} could not be downloaded: ${error.failure.message} [item ${itemIndex}]`,
				{
					itemIndex,
					description: `The video was made and is at ${output.videoUrl}. Run Get Task with Download Video on for task ${output.taskId} to try the download again; do not submit the prompt again.`,
				},
			),
			{ taskId: output.taskId, state: output.state },
		);
	}
}
