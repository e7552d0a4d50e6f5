import type { IDataObject } from 'n8n-workflow';

/** What went wrong with one call to the service, in its own terms, free of any secret. */
export interface ApiFailure {
	/** HTTP status; absent when no answer arrived (network error, timeout). */
	status?: number;
	code: string;
	message: string;
	traceId?: string;
	/** From a Retry-After header, when the service sent one. */
	retryAfterMs?: number;
}

/** Reads the service's error body (`{error: {code, message}, trace_id}`), tolerating anything else. */
export function failureFromAnswer(status: number, body: unknown, headers: IDataObject = {}): ApiFailure {
	const data = (body && typeof body === 'object' ? body : {}) as IDataObject;
	const error = (data.error && typeof data.error === 'object' ? data.error : {}) as IDataObject;
	const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
	return {
		status,
		code: String(error.code ?? data.code ?? `http_${status}`),
		message: String(error.message ?? data.message ?? (text || `HTTP ${status}`)),
		traceId: typeof data.trace_id === 'string' ? data.trace_id : undefined,
		retryAfterMs: retryAfterMs(headers['retry-after']),
	};
}

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(value));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** A failure worth asking again about: the service was busy or briefly unreachable. */
export function isTransient(failure: ApiFailure): boolean {
	return (
		failure.status === undefined ||
		failure.status === 429 ||
		failure.status >= 500 ||
		failure.code === 'invalid_answer'
	);
}

/** Words for a person: what happened and what to do about it. */
export function explainFailure(failure: ApiFailure): string {
	const { status, code, message } = failure;
	if (status === undefined) return `Could not reach Ace Data Cloud: ${message}`;
	if (status === 401 || ['invalid_token', 'token_expired'].includes(code)) {
		return 'Ace Data Cloud did not accept the API token: check the Ace Data Cloud credential';
	}
	if (code === 'used_up') return 'Your Ace Data Cloud balance is not sufficient: top up your account and run again';
	if (code === 'forbidden') return `Ace Data Cloud refused the content (moderation): ${message}`;
	if (status === 403) return `Ace Data Cloud refused the request: ${message}`;
	if (status === 400) return `Ace Data Cloud rejected the request: ${message}`;
	if (status === 404) return `Ace Data Cloud answered "not found": ${message}`;
	if (status === 429) return 'Ace Data Cloud is limiting requests: too many at once for this token';
	if (status >= 300 && status < 400) {
		return 'Ace Data Cloud answered with a redirect: check the Base URL in the credential';
	}
	return `Ace Data Cloud failed (HTTP ${status}): ${message}`;
}

/** The details line every API error carries, so support can trace the call. */
export function failureDetails(failure: ApiFailure): string {
	const parts = [`code: ${failure.code}`, `message: ${failure.message}`];
	if (failure.status !== undefined) parts.unshift(`HTTP ${failure.status}`);
	if (failure.traceId) parts.push(`trace id: ${failure.traceId}`);
	return parts.join(' · ');
}
