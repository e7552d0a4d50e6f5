import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { MIN_SECRET_LENGTH } from '../nodes/Veo/helpers/apiFailure';
import { BASE_URL_REFUSED, isWebAddress } from '../nodes/Veo/helpers/webAddress';

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
		{
			displayName: 'Platform Token',
			name: 'platformToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only needed to make videos from binary images: the node uploads them to Ace Data Cloud first. A platform token starts with "platform-"; make one at platform.acedata.cloud/console/platform-tokens.',
		},
		{
			displayName: 'Platform Base URL',
			name: 'platformBaseUrl',
			type: 'string',
			default: 'https://platform.acedata.cloud',
			description: 'Address of the Ace Data Cloud platform, which takes image uploads. Change it only for a local test server.',
		},
	];

	// Two tokens, each for its own host: the platform token goes only to the platform's API, the API
	// token everywhere else. A generic header could carry just one of them.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const address = `${String(requestOptions.baseURL ?? '').replace(/\/+$/, '')}${requestOptions.url}`;
		const platformApi = `${String(credentials.platformBaseUrl || 'https://platform.acedata.cloud').trim().replace(/\/+$/, '')}/api/`;
		const toPlatform = address.startsWith(platformApi);
		const token = toPlatform ? credentials.platformToken : credentials.apiToken;
		// The node refuses such a token before any call (createVeoClient); this makes the credential's
		// Test say the same instead of sending it and reporting the service's bare 401.
		if (!toPlatform && String(token ?? '').trim().length < MIN_SECRET_LENGTH) {
			throw new Error(
				`The API Token is too short to be a token (under ${MIN_SECRET_LENGTH} characters): paste the whole token of your Ace Data Cloud application`,
			);
		}
		// As the node does (createVeoClient): otherwise Test reports the HTTP library's "Invalid URL".
		if (!toPlatform && !isWebAddress(address)) throw new Error(`${BASE_URL_REFUSED.message}. ${BASE_URL_REFUSED.advice}`);
		const headers = { ...requestOptions.headers };
		for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
		if (token) headers.Authorization = `Bearer ${String(token)}`;
		return { ...requestOptions, headers };
	}

	// Listing zero tasks costs nothing and still checks the token. A redirect fails the test instead
	// of being followed: n8n would send the Authorization header on to whatever host it names.
	// n8n runs this request itself, with no size limit and its own 300 s time-out (its routing node
	// sets `timeout` over whatever the request says). So the body is taken as a stream that n8n does
	// not read: the verdict is the status alone (2xx passes, as with any body before), and an answer
	// that never ends cannot fill n8n's memory.
	test: ICredentialTestRequest = {
		request: {
			disableFollowRedirect: true,
			encoding: 'stream',
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/veo/tasks',
			method: 'POST',
			body: { action: 'retrieve_batch', ids: [] },
			json: true,
		},
	};
}
