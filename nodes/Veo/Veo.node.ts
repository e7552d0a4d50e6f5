import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import * as get1080p from './actions/get1080p.operation';
import * as getTask from './actions/getTask.operation';
import * as imageToVideo from './actions/imageToVideo.operation';
import * as ingredientsToVideo from './actions/ingredientsToVideo.operation';
import * as textToVideo from './actions/textToVideo.operation';
import { resumeOnCallback, resumeWebhooks } from './pause/resumeOnCallback';
import { router } from './actions/router';

export class Veo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Veo',
		name: 'veo',
		icon: { light: 'file:../../icons/veo.svg', dark: 'file:../../icons/veo.dark.svg' },
		group: ['transform'],
		// Version 2 replaced the Wait for Completion switch with three ways to wait; version 1 workflows
		// keep their switch and behave as before. Version 2.1 only renamed the output field parameter
		// (see outputFieldParameter), which version 2 workflows keep.
		version: [1, 2, 2.1],
		defaultVersion: 2.1,
		subtitle:
			'={{ { textToVideo: "Text to Video", imageToVideo: "Image to Video", ingredientsToVideo: "Ingredients to Video", get1080p: "Get 1080p", getTask: "Get Task" }[$parameter["operation"]] }}',
		description: 'Make videos with Google Veo through Ace Data Cloud',
		defaults: { name: 'Veo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aceDataCloudApi', required: true }],
		webhooks: resumeWebhooks,
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Get 1080p',
						value: 'get1080p',
						action: 'Get the 1080p version of a video',
						description: 'Make the 1080p version of a finished video',
					},
					{
						name: 'Get Task',
						value: 'getTask',
						action: 'Get a video task',
						description: 'Look up one or more tasks: state, video URL, and optionally the video',
					},
					{
						name: 'Image to Video',
						value: 'imageToVideo',
						action: 'Make a video from an image',
						description: 'Animate a first frame, optionally towards a last frame',
					},
					{
						name: 'Ingredients to Video',
						value: 'ingredientsToVideo',
						action: 'Make a video from reference images',
						description: 'Fuse 1 to 3 reference images into a new video',
					},
					{
						name: 'Text to Video',
						value: 'textToVideo',
						action: 'Make a video from text',
						description: 'Generate a video from a prompt',
					},
				],
				default: 'textToVideo',
			},
			...textToVideo.description,
			...imageToVideo.description,
			...ingredientsToVideo.description,
			...get1080p.description,
			...getTask.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
