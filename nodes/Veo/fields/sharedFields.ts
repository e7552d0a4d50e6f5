import type { INodeProperties } from 'n8n-workflow';

import type { CreateSpec, ImageSource } from '../helpers/createSpec';
import {
	MAX_VIDEO_SIZE_DEFAULT_MB,
	MAX_VIDEO_SIZE_MIN_MB,
	MAX_VIDEOS_IN_PROGRESS_DEFAULT,
	MAX_WAIT_DEFAULT_S,
	MAX_WAIT_MAX_S,
	MAX_WAIT_MIN_S,
	POLL_INTERVAL_DEFAULT_S,
	POLL_INTERVAL_MAX_S,
	POLL_INTERVAL_MIN_S,
} from '../helpers/limits';
import { DEFAULT_MODEL, FOUR_K_MODEL } from '../helpers/models';
import { outputFieldParameter } from '../transfers/videoDownload';

/** Fields that several operations show; each operation file scopes them to itself. */

export const promptField: INodeProperties = {
	displayName: 'Prompt',
	name: 'prompt',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	required: true,
	placeholder: 'e.g. A white ceramic mug on a marble counter, the camera slowly circling it at sunrise',
	description: 'What the video should show. English works best; see Translate Prompt for other languages.',
};

/** The Model field; Veo 3.1 says it offers 4k only where the operation does (its spec's `offers4k`). */
export function modelField(offers4k: boolean): INodeProperties {
	return {
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{ name: 'Veo 3', value: 'veo3', description: 'Veo 3, best quality of the Veo 3 line' },
			{ name: 'Veo 3 Fast', value: 'veo3-fast', description: 'Veo 3, faster and cheaper' },
			{
				name: 'Veo 3.1',
				value: FOUR_K_MODEL,
				description: offers4k ? 'Veo 3.1, best quality; the only model offering 4k' : 'Veo 3.1, best quality',
			},
			{ name: 'Veo 3.1 Fast', value: 'veo31-fast', description: 'Veo 3.1, faster and cheaper' },
		],
		default: DEFAULT_MODEL,
		description: 'Which Veo model makes the video',
	};
}

/** Node version 1 keeps its on/off switch; version 2 chooses between three ways of waiting. */
const V1 = { '@version': [1] };
const FROM_V2 = { '@version': [{ _cnd: { gte: 2 } }] };

type Show = NonNullable<NonNullable<INodeProperties['displayOptions']>['show']>;

const waitForCompletionField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the video is ready (usually 1 to 3 minutes). Off: the node outputs the submitted task at once; fetch it later with Get Task.',
	displayOptions: { show: V1 },
};

const waitModeField: INodeProperties = {
	displayName: 'Wait for Video',
	name: 'waitMode',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: "Don't Wait",
			value: 'none',
			description: 'Output the submitted task at once; fetch it later with Get Task',
		},
		{
			name: 'Pause Until Ace Data Cloud Calls Back',
			value: 'callback',
			description:
				'Pause the execution (it holds no worker while the videos render) and resume it when every video has called back. Needs an n8n that the service can reach.',
		},
		{
			name: 'Wait Here (Poll)',
			value: 'poll',
			description: 'Keep the execution running and check on the videos until they are ready (usually 1 to 3 minutes)',
		},
	],
	default: 'poll',
	description: 'Whether and how the node waits for the finished videos',
	displayOptions: { show: FROM_V2 },
};

const callbackNotice: INodeProperties = {
	displayName:
		"Ace Data Cloud calls this n8n back at its webhook address (n8n's WEBHOOK_URL). For the real service that address must be reachable from the internet (a localhost n8n is refused before anything is submitted); with a local emulator as the credential's Base URL, a local n8n works. The execution shows as waiting until every video has called back (or Max Wait passes).",
	name: 'callbackNotice',
	type: 'notice',
	default: '',
	displayOptions: { show: { ...FROM_V2, waitMode: ['callback'] } },
};

const DOWNLOAD_VERSIONS = { 1: V1, 2: { '@version': [2] }, 2.1: { '@version': [{ _cnd: { gte: 2.1 } }] } };

/** Download fields of one node version (2.1: that version and later), shown only when `when` also holds. */
export function downloadFields(version: 1 | 2 | 2.1, when: Show = {}): INodeProperties[] {
	const show = { ...DOWNLOAD_VERSIONS[version], ...when };
	return [
		{
			displayName: 'Download Video',
			name: 'downloadVideo',
			type: 'boolean',
			default: false,
			description: 'Whether to download the finished mp4 and add it to the item as binary data',
			displayOptions: { show },
		},
		{
			displayName: 'Put Output File in Field',
			name: outputFieldParameter(version),
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the binary field of the output item that gets the video',
			displayOptions: { show: { ...show, downloadVideo: [true] } },
		},
		{
			displayName: 'Max Video Size (MB)',
			name: 'maxVideoSize',
			type: 'number',
			typeOptions: { minValue: MAX_VIDEO_SIZE_MIN_MB },
			default: MAX_VIDEO_SIZE_DEFAULT_MB,
			description:
				'A download larger than this fails (the video stays available: fetch it again with Get Task). Guards n8n against a video host that sends without end.',
			displayOptions: { show: { ...show, downloadVideo: [true] } },
		},
	];
}

/** The waiting options; `whenWaiting` / `whenPolling` say when Max Wait and Poll Interval apply. */
function waitOptions(whenWaiting: Show, whenPolling: Show): INodeProperties[] {
	return [
		{
			displayName: 'Max Videos in Progress',
			name: 'maxConcurrent',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: MAX_VIDEOS_IN_PROGRESS_DEFAULT,
			description:
				'How many videos of this node may be in the making at once. 0: as many as Ace Data Cloud accepts (learned from its answers). Set it to leave room for other workflows using the same token.',
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWait',
			type: 'number',
			// What Max Wait bounds in each mode: helpers/limits.ts.
			typeOptions: { minValue: MAX_WAIT_MIN_S, maxValue: MAX_WAIT_MAX_S },
			default: MAX_WAIT_DEFAULT_S,
			description:
				'How long to wait for the video before giving up on it. The task keeps running at Ace Data Cloud; fetch it later with Get Task.',
			displayOptions: { show: whenWaiting },
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			typeOptions: { minValue: POLL_INTERVAL_MIN_S, maxValue: POLL_INTERVAL_MAX_S },
			default: POLL_INTERVAL_DEFAULT_S,
			description: 'How often to ask whether the videos are ready (all pending videos are asked about together)',
			displayOptions: { show: whenPolling },
		},
	];
}

/** Pause mode gives Ace Data Cloud its own callback address, so it hides this option there. */
function callbackUrlOption(version: 1 | 2): INodeProperties {
	return {
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://example.com/webhook/veo',
		description: 'An https address that Ace Data Cloud will POST the finished result to',
		...(version === 1 ? {} : { displayOptions: { hide: { '/waitMode': ['callback'] } } }),
	};
}

function generationOptions(version: 1 | 2, waiting: INodeProperties[], offers4k: boolean): INodeProperties[] {
	return [
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			options: [
				{ name: '16:9 (Landscape)', value: '16:9' },
				{ name: '9:16 (Portrait)', value: '9:16' },
			],
			default: '16:9',
			description: 'Shape of the video',
		},
		callbackUrlOption(version),
		...waiting,
		{
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			options: [
				{ name: '1080p', value: '1080p' },
				...(offers4k ? [{ name: '4k (Veo 3.1 Only)', value: '4k' }] : []),
				{ name: 'GIF', value: 'gif' },
			],
			default: '1080p',
			description: "Resolution of the video; when not set, the service's default is used",
		},
		{
			displayName: 'Translate Prompt',
			name: 'translation',
			type: 'boolean',
			default: false,
			description: 'Whether Ace Data Cloud should translate the prompt to English before generating',
		},
	];
}

/** The `options` collection: generation settings for an operation that makes a video from a prompt, else only waiting. */
function optionsCollection(of: CreateSpec, version: 1 | 2, waiting: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: of.input === 'prompt' ? generationOptions(version, waiting, of.offers4k) : [callbackUrlOption(version), ...waiting],
		displayOptions: { show: version === 1 ? V1 : FROM_V2 },
	};
}

/**
 * Everything about waiting for a created task, for both node versions: the switch (version 1) or
 * the mode (version 2), the download fields and the options collection.
 */
export function waitingFields(of: CreateSpec): INodeProperties[] {
	const v1Waiting = { '/waitForCompletion': [true] };
	const v2Waiting = { '/waitMode': ['poll', 'callback'] };
	return [
		waitForCompletionField,
		waitModeField,
		callbackNotice,
		...downloadFields(1, { waitForCompletion: [true] }),
		...downloadFields(2, { waitMode: ['poll', 'callback'] }),
		...downloadFields(2.1, { waitMode: ['poll', 'callback'] }),
		optionsCollection(of, 1, waitOptions(v1Waiting, v1Waiting)),
		optionsCollection(of, 2, waitOptions(v2Waiting, { '/waitMode': ['poll'] })),
	];
}

/**
 * Where Image and Ingredients to Video take their images from. URL stays the default, so the
 * workflows made before the choice existed run as they did (no new node version needed).
 */
export const imageSourceField: INodeProperties = {
	displayName: 'Image Source',
	name: 'imageSource',
	type: 'options',
	options: [
		{
			name: 'Binary Field',
			value: 'binary',
			description: 'Images in binary properties of the input item, uploaded to Ace Data Cloud first (needs a Platform Token in the credential)',
		},
		{ name: 'URL', value: 'url', description: 'Public http(s) addresses of the images' },
	],
	default: 'url',
	description: 'Where the images come from',
};

/**
 * Shows a field only for one image source. The operation comes first: n8n shows a field at once when
 * any rule's value is an expression, without checking the rules after it, so with an expression in
 * Image Source the field must still be hidden for the other operations.
 */
export const forImageSource = (operation: string, source: ImageSource) => ({
	displayOptions: { show: { operation: [operation], imageSource: [source] } },
});
