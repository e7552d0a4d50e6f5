import { NodeApiError } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import { TOKEN, json, runVeo, useEmulator, useScaledLooks } from '../fixture';

/**
 * The service's errors, as the user meets them: a NodeApiError whose message says what to do, and
 * whose details keep the service's own code, message and trace id for support.
 */
describe('API errors, mapped', () => {
	const emulator = useEmulator();
	// A 5xx on a submit is a lost answer: its task is looked for, 3 s here instead of 30 s.
	useScaledLooks();
	const textToVideo: INodeParameters = { operation: 'textToVideo', prompt: 'A heron lands on a pier', waitForCompletion: false };

	/** Creates a task straight at the emulator, so the Get Task cases do not depend on the submitting engine. */
	async function createTask(): Promise<string> {
		const answer = await fetch(`${emulator().baseUrl}/veo/videos`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'text2video', model: 'veo3', prompt: 'a fox', async: true }),
		});
		return ((await answer.json()) as { task_id: string }).task_id;
	}

	function serviceError(status: number, code: string, message: string, traceId: string) {
		return { path: '/veo/videos' as const, kind: 'status' as const, status, body: { error: { code, message }, trace_id: traceId } };
	}

	function apiError(error: Error | undefined): NodeApiError & { errorResponse?: unknown } {
		expect(error).toBeInstanceOf(NodeApiError);
		return error as NodeApiError & { errorResponse?: unknown };
	}

	/** Every mapped error keeps the service's words, exactly, in the same two places. */
	function expectServiceDetails(error: NodeApiError & { errorResponse?: unknown }, status: number, code: string, message: string, traceId: string) {
		expect(error.httpCode).toBe(String(status));
		expect(error.description).toBe(`HTTP ${status} · code: ${code} · message: ${message} · trace id: ${traceId}`);
		expect(error.errorResponse).toEqual({ code, message, trace_id: traceId, httpCode: String(status) });
	}

	describe('401: the token', () => {
		it('an invalid token says to check the Ace Data Cloud credential, on a submit', async () => {
			const result = await runVeo(emulator(), textToVideo, { token: 'sk-not-the-right-one' });
			const error = apiError(result.error);
			expect(error.message).toBe('Ace Data Cloud did not accept the API token: check the Ace Data Cloud credential [item 0]');
			expect(error.httpCode).toBe('401');
			expect(error.description).toMatch(/^HTTP 401 · code: invalid_token · message: the token is invalid · trace id: [0-9a-f-]{36}$/);
			expect(error.errorResponse).toMatchObject({ code: 'invalid_token', message: 'the token is invalid', trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
			expect(emulator().creates()).toHaveLength(0);
		});

		it('an invalid token says the same on Get Task, and is not asked again', async () => {
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' }, { token: 'sk-not-the-right-one' });
			expect(apiError(result.error).message).toMatch(/^Ace Data Cloud did not accept the API token: check the Ace Data Cloud credential/);
			expect(emulator().queries()).toHaveLength(1);
		});

		it('an expired token says it expired and to check the Ace Data Cloud credential', async () => {
			const taskId = await createTask();
			emulator().expireToken(TOKEN);
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });
			const error = apiError(result.error);
			expect(error.message).toMatch(/^The Ace Data Cloud API token has expired: check the Ace Data Cloud credential/);
			expect(error.errorResponse).toMatchObject({ code: 'token_expired', message: 'the token is expired', httpCode: '401' });
			expect(emulator().queries()).toHaveLength(1);
		});
	});

	describe('403: refused', () => {
		it('used_up says the balance is not sufficient and to top up', async () => {
			emulator().inject(serviceError(403, 'used_up', 'the balance of your account is not enough', 'trace-used-up'));
			const error = apiError((await runVeo(emulator(), textToVideo)).error);
			expect(error.message).toMatch(/^Your Ace Data Cloud balance is not sufficient: top up your account/);
			expectServiceDetails(error, 403, 'used_up', 'the balance of your account is not enough', 'trace-used-up');
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
			expect(emulator().creates()).toHaveLength(0);
		});

		it('forbidden says the content was refused by moderation, with the service reason', async () => {
			emulator().inject(serviceError(403, 'forbidden', 'the prompt contains sensitive words', 'trace-forbidden'));
			const error = apiError((await runVeo(emulator(), textToVideo)).error);
			expect(error.message).toMatch(/content moderation refused the request: the prompt contains sensitive words/);
			expectServiceDetails(error, 403, 'forbidden', 'the prompt contains sensitive words', 'trace-forbidden');
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
		});

		it('disabled passes the service reason through', async () => {
			emulator().inject(serviceError(403, 'disabled', 'the application is disabled', 'trace-disabled'));
			const error = apiError((await runVeo(emulator(), textToVideo)).error);
			expect(error.message).toMatch(/^Ace Data Cloud refused the request: the application is disabled/);
			expectServiceDetails(error, 403, 'disabled', 'the application is disabled', 'trace-disabled');
		});
	});

	describe('400 and 404', () => {
		it('400 passes the service message through', async () => {
			emulator().inject(serviceError(400, 'bad_request', 'image_urls is invalid when generate videos', 'trace-400'));
			const error = apiError((await runVeo(emulator(), textToVideo)).error);
			expect(error.message).toMatch(/^Ace Data Cloud rejected the request: image_urls is invalid when generate videos/);
			expectServiceDetails(error, 400, 'bad_request', 'image_urls is invalid when generate videos', 'trace-400');
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
		});

		it('400 from the service itself (an unknown video id for 1080p) keeps its own words', async () => {
			const result = await runVeo(emulator(), { operation: 'get1080p', videoId: 'f'.repeat(32), model: 'veo3', waitForCompletion: false });
			const error = apiError(result.error);
			expect(error.message).toMatch(/^Ace Data Cloud rejected the request: video_id is invalid/);
			expect(error.errorResponse).toMatchObject({ code: 'bad_request', message: 'video_id is invalid', httpCode: '400' });
		});

		it('404 no_api on a submit says the Base URL is wrong', async () => {
			emulator().inject(serviceError(404, 'no_api', 'the api does not exist', 'trace-404'));
			const error = apiError((await runVeo(emulator(), textToVideo)).error);
			expect(error.message).toMatch(/^Ace Data Cloud has no Veo API at this address: check the Base URL in the Ace Data Cloud credential/);
			expectServiceDetails(error, 404, 'no_api', 'the api does not exist', 'trace-404');
		});

		it('404 no_api on a Get Task look-up says the Base URL is wrong, not that the task is unknown', async () => {
			emulator().inject({ path: '/veo/tasks', kind: 'status', status: 404, body: { error: { code: 'no_api', message: 'the api does not exist' }, trace_id: 'trace-404-tasks' } });
			const error = apiError((await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' })).error);
			expect(error.message).toMatch(/check the Base URL/);
			expectServiceDetails(error, 404, 'no_api', 'the api does not exist', 'trace-404-tasks');
		});

		it('404 not_found on a Get Task look-up says the task was not found', async () => {
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' }, { continueOnFail: true });
			expect(json(result.items)).toEqual([
				expect.objectContaining({ taskId: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11', error: 'Veo task dd01fc69-e1f7-4b68-aa8c-463f6b748d11 was not found [item 0]' }),
			]);
		});
	});

	describe('5xx', () => {
		// The submitting engine may look for a task the failed submit could have created before it
		// gives up; whatever it does, the service's words must survive and nothing may be paid twice.
		it.each([
			[500, 'api_error', 'upstream model crashed', 'trace-500'],
			[504, 'timeout', 'the upstream timed out', 'trace-504'],
		])('%i on a submit keeps the code, message and trace id, and at most one task is created', async (status, code, message, traceId) => {
			emulator().inject({ ...serviceError(status, code, message, traceId), count: 10 });
			const result = await runVeo(emulator(), textToVideo);
			expect(emulator().creates().length).toBeLessThanOrEqual(1);
			const error = result.error as (Error & { description?: string; errorResponse?: unknown }) | undefined;
			expect(error).toBeDefined();
			const shown = `${error?.message}\n${error?.description}\n${JSON.stringify(error?.errorResponse ?? {})}`;
			expect(shown).toMatch(new RegExp(`"code":"${code}"|code: ${code}`));
			expect(shown).toMatch(new RegExp(message));
			expect(shown).toMatch(new RegExp(traceId));
		});

		it.each([
			[500, 'api_error', 'the api encountered an error', 'trace-tasks-500'],
			[502, 'bad_gateway', 'bad gateway', 'trace-tasks-502'],
			[504, 'timeout', 'the upstream timed out', 'trace-tasks-504'],
		])('%i on every try of a Get Task look-up fails with the code, message and trace id', async (status, code, message, traceId) => {
			emulator().inject({ path: '/veo/tasks', kind: 'status', status, body: { error: { code, message }, trace_id: traceId }, count: 5 });
			const error = apiError((await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' })).error);
			expect(error.message).toMatch(status === 504 ? /^Ace Data Cloud timed out \(HTTP 504\)/ : new RegExp(`^Ace Data Cloud failed \\(HTTP ${status}\\): ${message}`));
			expectServiceDetails(error, status, code, message, traceId);
		});

		it('an HTML error page from a gateway is shown as its words, not as markup', async () => {
			const page = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';
			emulator().inject({ path: '/veo/tasks', kind: 'status', status: 502, body: page, headers: { 'content-type': 'text/html' }, count: 5 });
			const error = apiError((await runVeo(emulator(), { operation: 'getTask', taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11' })).error);
			expect(error.message).toBe('Ace Data Cloud failed (HTTP 502): 502 Bad Gateway [item 0]');
			expect(error.description).toBe('HTTP 502 · code: http_502 · message: 502 Bad Gateway');
		});
	});
});
