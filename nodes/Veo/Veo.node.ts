import { NodeConnectionTypes } from 'n8n-workflow';
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { operationField, operationProperties, operationSubtitle } from './actions/operations';
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
		// Built from the operation list (actions/operations.ts), as are the Operation field and the fields.
		subtitle: operationSubtitle,
		description: 'Make videos with Google Veo through Ace Data Cloud',
		defaults: { name: 'Veo' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'aceDataCloudApi', required: true }],
		webhooks: resumeWebhooks,
		properties: [operationField, ...operationProperties],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
