import { AceDataCloudApi } from '../../credentials/AceDataCloudApi.credentials';
import { testCredential } from '../helpers/runNode';
import { VeoEmulator } from '../emulator/VeoEmulator';
import { QUICK, TOKEN, useEmulator } from '../nodes/Veo/fixture';

describe('Ace Data Cloud API credential', () => {
	const emulator = useEmulator();

	it('passes its test with a good token, through the free empty retrieve_batch call', async () => {
		const result = await testCredential(new AceDataCloudApi(), { apiToken: TOKEN, baseUrl: emulator().baseUrl });
		expect(result.ok).toBe(true);
		expect(emulator().requests).toHaveLength(1);
		expect(emulator().requests[0]).toMatchObject({
			method: 'POST',
			path: '/veo/tasks',
			body: { action: 'retrieve_batch', ids: [] },
			headers: expect.objectContaining({ authorization: `Bearer ${TOKEN}` }),
		});
		expect(emulator().creates()).toHaveLength(0);
	});

	it('fails its test with a bad token', async () => {
		const result = await testCredential(new AceDataCloudApi(), { apiToken: 'sk-not-valid', baseUrl: emulator().baseUrl });
		expect(result.ok).toBe(false);
		expect(result.statusCode).toBe(401);
	});

	it('accepts a base URL with a trailing slash', async () => {
		const result = await testCredential(new AceDataCloudApi(), { apiToken: TOKEN, baseUrl: `${emulator().baseUrl}/` });
		expect(result.ok).toBe(true);
		expect(emulator().requests[0].path).toBe('/veo/tasks');
	});

	it('keeps the token in a password field and sends it only as a bearer header', () => {
		const credential = new AceDataCloudApi();
		expect(credential.properties.find((property) => property.name === 'apiToken')?.typeOptions?.password).toBe(true);
		expect(credential.authenticate).toEqual({
			type: 'generic',
			properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } },
		});
	});

	describe('follows no redirect, so the token never reaches another host', () => {
		// Another host, answering like the service would: if the token got there, the test would pass.
		const other = new VeoEmulator(QUICK);
		beforeAll(async () => await other.start());
		afterAll(async () => await other.stop());
		beforeEach(() => other.reset());

		it.each([301, 302, 307, 308])('a %i from the Base URL fails the test and sends nothing on', async (status) => {
			emulator().inject({ path: '/veo/tasks', kind: 'status', status, body: '', headers: { location: `${other.baseUrl}/veo/tasks` } });
			const result = await testCredential(new AceDataCloudApi(), { apiToken: TOKEN, baseUrl: emulator().baseUrl });

			expect(result.ok).toBe(false);
			expect(emulator().requests).toHaveLength(1);
			expect(other.requests).toEqual([]);
		});
	});
});
