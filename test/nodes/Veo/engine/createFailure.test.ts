import { mayHaveCreated, neverReachedService } from '../../../../nodes/Veo/engine/createFailure';

describe('what a failed create may have left behind', () => {
	it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT'])(
		'%s: the request never left, so nothing was created and it may be sent again',
		(code) => {
			expect(neverReachedService({ code, message: '' })).toBe(true);
			expect(mayHaveCreated({ code, message: '' })).toBe(false);
		},
	);

	it.each([
		['a reset connection', { code: 'ECONNRESET', message: 'socket hang up' }],
		['a time-out', { code: 'ETIMEDOUT', message: 'timeout' }],
		['a 500', { status: 500, code: 'api_error', message: '' }],
		['a gateway 504', { status: 504, code: 'timeout', message: '' }],
		['an answer without a task id', { status: 200, code: 'missing_task_id', message: '' }],
	])('%s: the task may exist', (_case, failure) => {
		expect(neverReachedService(failure)).toBe(false);
		expect(mayHaveCreated(failure)).toBe(true);
	});

	it.each([400, 401, 403, 429])('HTTP %i: the service answered that it created nothing', (status) => {
		expect(mayHaveCreated({ status, code: 'x', message: '' })).toBe(false);
		expect(neverReachedService({ status, code: 'ECONNREFUSED', message: '' })).toBe(false);
	});
});
