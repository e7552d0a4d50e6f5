import {
	explainFailure,
	failureDetails,
	failureFromAnswer,
	isTransient,
	plainText,
	scrubFailure,
	scrubText,
} from '../../../../nodes/Veo/helpers/apiFailure';

describe('failureFromAnswer: the service error body, tolerating anything', () => {
	it('reads code, message and trace id from the service shape', () => {
		expect(failureFromAnswer(403, { error: { code: 'used_up', message: 'no balance' }, trace_id: 't-1' })).toEqual({
			status: 403,
			code: 'used_up',
			message: 'no balance',
			traceId: 't-1',
			retryAfterMs: undefined,
		});
	});

	it('falls back to the HTTP status when the body says nothing', () => {
		expect(failureFromAnswer(502, '')).toMatchObject({ code: 'http_502', message: 'HTTP 502' });
		expect(failureFromAnswer(500, undefined)).toMatchObject({ code: 'http_500', message: 'HTTP 500' });
	});

	it('turns an HTML error page into its words', () => {
		const page = '<html><head><title>504 Gateway Time-out</title></head><body><h1>504</h1></body></html>';
		expect(failureFromAnswer(504, page).message).toBe('504 Gateway Time-out');
	});

	it('reads Retry-After', () => {
		expect(failureFromAnswer(429, {}, { 'retry-after': '2' }).retryAfterMs).toBe(2000);
	});
});

describe('plainText', () => {
	it.each([
		['text stays text', 'upstream busy', 'upstream busy'],
		['tags and scripts go, spaces collapse', '<body><script>var a = "<b>";</script><p>Service\n  down</p></body>', 'Service down'],
		['the title wins when there is one', '<title> Oops </title><p>long story</p>', 'Oops'],
		['long text is cut', 'x'.repeat(500), `${'x'.repeat(197)}...`],
	])('%s', (_case, body, expected) => {
		expect(plainText(body)).toBe(expected);
	});
});

describe('scrubbing secrets', () => {
	const token = 'sk-live-0123456789abcdef';

	it('hides any bearer credential and the token itself, wherever it appears', () => {
		expect(scrubText(`rejected header Authorization: Bearer ${token}`, [token])).toBe('rejected header Authorization: Bearer ***');
		expect(scrubText(`token=${token}&x=1 (${token})`, [token])).toBe('token=***&x=1 (***)');
		expect(scrubText('authorization: bearer abc.def', [])).toBe('authorization: Bearer ***');
	});

	it('leaves words alone when the secret is too short to be a real token', () => {
		expect(scrubText('the api encountered an error', ['a', ''])).toBe('the api encountered an error');
	});

	it('cleans every part of a failure that is shown', () => {
		const failure = { status: 500, code: `bad_${token}`, message: `echo: Bearer ${token}`, traceId: token };
		const clean = scrubFailure(failure, [token]);
		expect(JSON.stringify(clean)).not.toContain(token);
		expect(clean).toEqual({ status: 500, code: 'bad_***', message: 'echo: Bearer ***', traceId: '***' });
	});
});

describe('explainFailure: what happened and what to do', () => {
	it.each([
		[{ status: 401, code: 'invalid_token', message: 'x' }, /did not accept the API token: check the Ace Data Cloud credential/],
		[{ status: 401, code: 'token_expired', message: 'x' }, /has expired: check the Ace Data Cloud credential/],
		[{ status: 403, code: 'used_up', message: 'x' }, /balance is not sufficient: top up/],
		[{ status: 403, code: 'forbidden', message: 'nsfw' }, /content moderation refused the request: nsfw/],
		[{ status: 400, code: 'bad_request', message: 'model is not supported' }, /rejected the request: model is not supported/],
		[{ status: 404, code: 'no_api', message: 'x' }, /check the Base URL/],
		[{ status: 302, code: 'http_302', message: 'x' }, /redirect: check the Base URL/],
		[{ status: 429, code: 'too_many_requests', message: 'x' }, /limiting requests/],
		[{ status: 504, code: 'timeout', message: 'slow' }, /timed out \(HTTP 504\): slow/],
		[{ status: 500, code: 'api_error', message: 'boom' }, /failed \(HTTP 500\): boom/],
		[{ code: 'ECONNRESET', message: 'socket hang up' }, /Could not reach Ace Data Cloud: socket hang up/],
		[{ status: 200, code: 'invalid_answer', message: 'not JSON' }, /an answer the node cannot read: the service may be busy, or the Base URL/],
	])('%o', (failure, words) => {
		expect(explainFailure(failure)).toMatch(words);
	});

	it('details carry status, code, message and trace id', () => {
		expect(failureDetails({ status: 403, code: 'used_up', message: 'no', traceId: 't' })).toBe('HTTP 403 · code: used_up · message: no · trace id: t');
	});

	it('counts network failures, 429, 5xx and garbled answers as passing; 4xx as lasting', () => {
		expect([undefined, 429, 500, 503].map((status) => isTransient({ status, code: 'x', message: '' }))).toEqual([true, true, true, true]);
		expect(isTransient({ status: 200, code: 'invalid_answer', message: '' })).toBe(true);
		expect([400, 401, 403, 404].map((status) => isTransient({ status, code: 'x', message: '' }))).toEqual([false, false, false, false]);
	});
});
