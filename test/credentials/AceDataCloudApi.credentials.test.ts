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

	it.each(['abc', '  abcde ', ''])('refuses a token under 6 characters (%j) with that reason, sending nothing', async (apiToken) => {
		const result = await testCredential(new AceDataCloudApi(), { apiToken, baseUrl: emulator().baseUrl });
		expect(result.ok).toBe(false);
		expect(result.message).toMatch(/API Token is too short to be a token \(under 6 characters\)/);
		expect(emulator().requests).toHaveLength(0);
	});

	it('takes a token of 6 characters to the service', async () => {
		const result = await testCredential(new AceDataCloudApi(), { apiToken: 'abcdef', baseUrl: emulator().baseUrl });
		expect(result).toMatchObject({ ok: false, statusCode: 401 });
		// n8n sends a request that got a 401 once more (its re-authentication path).
		expect(emulator().requests.length).toBeGreaterThanOrEqual(1);
		expect(emulator().requests.map((r) => r.headers.authorization)).toEqual(emulator().requests.map(() => 'Bearer abcdef'));
	});

	it.each(['ftp://api.acedata.cloud', 'api.acedata.cloud', 'file:///etc/passwd'])(
		'refuses a Base URL that is not an http(s) address (%j) with that reason, sending nothing',
		async (baseUrl) => {
			const result = await testCredential(new AceDataCloudApi(), { apiToken: TOKEN, baseUrl });
			expect(result.ok).toBe(false);
			expect(result.message).toMatch(/The 'Base URL' of the Ace Data Cloud API credential is not an http or https address/);
			expect(result.message).not.toContain(TOKEN);
			expect(emulator().requests).toHaveLength(0);
		},
	);

	it('accepts a base URL with a trailing slash', async () => {
		const result = await testCredential(new AceDataCloudApi(), { apiToken: TOKEN, baseUrl: `${emulator().baseUrl}/` });
		expect(result.ok).toBe(true);
		expect(emulator().requests[0].path).toBe('/veo/tasks');
	});

	it('keeps both tokens in password fields', () => {
		const credential = new AceDataCloudApi();
		for (const name of ['apiToken', 'platformToken']) {
			expect(credential.properties.find((property) => property.name === name)?.typeOptions?.password).toBe(true);
		}
		expect(credential.properties.find((property) => property.name === 'platformBaseUrl')?.default).toBe('https://platform.acedata.cloud');
	});

	describe('sends each token only to its own host, as a bearer header', () => {
		const credentials = {
			apiToken: 'api-secret',
			baseUrl: 'https://api.acedata.cloud',
			platformToken: 'platform-secret',
			platformBaseUrl: 'https://platform.acedata.cloud/',
		};
		const authorization = async (options: { url: string; baseURL?: string }, data: Record<string, string> = credentials) => {
			const signed = await new AceDataCloudApi().authenticate(data, { ...options, headers: { authorization: 'Bearer forged' } });
			return signed.headers;
		};

		it('the API token to the Veo API (also in the credential test, which uses baseURL)', async () => {
			expect(await authorization({ url: 'https://api.acedata.cloud/veo/videos' })).toEqual({ Authorization: 'Bearer api-secret' });
			expect(await authorization({ baseURL: 'https://api.acedata.cloud', url: '/veo/tasks' })).toEqual({ Authorization: 'Bearer api-secret' });
		});

		it("the platform token to the platform's API only", async () => {
			expect(await authorization({ url: 'https://platform.acedata.cloud/api/v1/files/' })).toEqual({ Authorization: 'Bearer platform-secret' });
			// A look-alike host that merely starts with the same letters is not the platform.
			expect(await authorization({ url: 'https://platform.acedata.cloud.evil.example/api/v1/files/' })).toEqual({ Authorization: 'Bearer api-secret' });
		});

		it('no token at all to the platform when no platform token is set (never the API token)', async () => {
			expect(await authorization({ url: 'https://platform.acedata.cloud/api/v1/files/' }, { ...credentials, platformToken: '' })).toEqual({});
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

	describe('is bounded as far as n8n lets it be: n8n runs the request itself', () => {
		it('an answer that never ends does not hold the test nor fill memory: the status decides', async () => {
			emulator().inject({ path: '/veo/tasks', kind: 'endless' });
			const before = process.memoryUsage().rss;
			const started = Date.now();

			const result = await testCredential(new AceDataCloudApi(), { apiToken: TOKEN, baseUrl: emulator().baseUrl });

			expect(result.ok).toBe(true);
			expect(Date.now() - started).toBeLessThan(5000);
			expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
		});
	});
});
