import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AceDataCloudApi implements ICredentialType {
	name = 'aceDataCloudApi';

	displayName = 'Ace Data Cloud API';

	icon: Icon = {
		light: 'file:../icons/acedatacloud.svg',
		dark: 'file:../icons/acedatacloud.dark.svg',
	};

	documentationUrl = 'https://platform.acedata.cloud/documents/63e01dc3-eb21-499e-8049-3025c460058f';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The token of your Ace Data Cloud application, from the Veo service page at platform.acedata.cloud',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.acedata.cloud',
			description:
				'Address of the Ace Data Cloud API. Change it only for a self-hosted gateway or a local test server.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiToken}}',
			},
		},
	};

	// Listing zero tasks costs nothing and still checks the token. A redirect fails the test instead
	// of being followed: n8n would send the Authorization header on to whatever host it names.
	test: ICredentialTestRequest = {
		request: {
			disableFollowRedirect: true,
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/veo/tasks',
			method: 'POST',
			body: { action: 'retrieve_batch', ids: [] },
			json: true,
		},
	};
}
