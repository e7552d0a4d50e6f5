import type { ApiFailure } from '../helpers/apiFailure';

/**
 * Network failures that happen before the request leaves: nothing was sent, so nothing can have been
 * created (the connection was refused, the name did not resolve, the TLS handshake failed). Any other
 * failure without an answer may come after the service received the create.
 */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ENETUNREACH', 'EHOSTUNREACH', 'EPROTO']);
const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_)|CERT/;

/** The create provably never reached the service: submitting it again cannot pay twice. */
export function neverReachedService(failure: ApiFailure): boolean {
	return failure.status === undefined && (NEVER_SENT.has(failure.code) || TLS_FAILURE.test(failure.code));
}

/** After these, the request may have reached the service and created a (paid) task. */
export function mayHaveCreated(failure: ApiFailure): boolean {
	if (neverReachedService(failure)) return false;
	return (
		failure.status === undefined ||
		failure.status >= 500 ||
		failure.code === 'invalid_answer' ||
		failure.code === 'missing_task_id'
	);
}
