import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_MODEL } from '../helpers/models';

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

export const modelField: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'options',
	options: [
		{ name: 'Veo 3', value: 'veo3', description: 'Veo 3, best quality of the Veo 3 line' },
		{ name: 'Veo 3 Fast', value: 'veo3-fast', description: 'Veo 3, faster and cheaper' },
		{ name: 'Veo 3.1', value: 'veo31', description: 'Veo 3.1, best quality; the only model offering 4k' },
		{ name: 'Veo 3.1 Fast', value: 'veo31-fast', description: 'Veo 3.1, faster and cheaper' },
	],
	default: DEFAULT_MODEL,
	description: 'Which Veo model makes the video',
};

export const waitForCompletionField: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the video is ready (usually 1 to 3 minutes). Off: the node outputs the submitted task at once; fetch it later with Get Task.',
};

export function downloadFields(showOnlyWhenWaiting: boolean): INodeProperties[] {
	const whenWaiting = showOnlyWhenWaiting ? { show: { waitForCompletion: [true] } } : undefined;
	return [
		{
			displayName: 'Download Video',
			name: 'downloadVideo',
			type: 'boolean',
			default: false,
			description: 'Whether to download the finished mp4 and add it to the item as binary data',
			displayOptions: whenWaiting,
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			required: true,
			hint: 'The name of the output binary field to put the video in',
			displayOptions: { show: { ...(whenWaiting?.show ?? {}), downloadVideo: [true] } },
		},
	];
}

const waitOptions: INodeProperties[] = [
	{
		displayName: 'Max Videos in Progress',
		name: 'maxConcurrent',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			'How many videos of this node may be in the making at once. 0: as many as Ace Data Cloud accepts (learned from its answers). Set it to leave room for other workflows using the same token.',
	},
	{
		displayName: 'Max Wait (Seconds)',
		name: 'maxWait',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 900,
		description:
			'How long to wait for the video before giving up on it. The task keeps running at Ace Data Cloud; fetch it later with Get Task.',
		displayOptions: { show: { '/waitForCompletion': [true] } },
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		description: 'How often to ask whether the videos are ready (all pending videos are asked about together)',
		displayOptions: { show: { '/waitForCompletion': [true] } },
	},
];

const callbackUrlOption: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'https://example.com/webhook/veo',
	description: 'An https address that Ace Data Cloud will POST the finished result to',
};

const generationOptions: INodeProperties[] = [
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
	callbackUrlOption,
	...waitOptions,
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		options: [
			{ name: '1080p', value: '1080p' },
			{ name: '4k (Veo 3.1, Text to Video Only)', value: '4k' },
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

/** The `options` collection: generation settings for the three generating operations, waiting only for 1080p. */
export function optionsCollection(kind: 'generation' | 'get1080p'): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: kind === 'generation' ? generationOptions : [callbackUrlOption, ...waitOptions],
	};
}
