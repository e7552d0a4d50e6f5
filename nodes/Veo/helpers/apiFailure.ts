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
	const text = typeof body === 'string' ? plainText(body) : '';
	return {
		status,
		code: String(error.code ?? data.code ?? `http_${status}`),
		message: String(error.message ?? data.message ?? (text || `HTTP ${status}`)),
		traceId: typeof data.trace_id === 'string' ? data.trace_id : undefined,
		retryAfterMs: retryAfterMs(headers['retry-after']),
	};
}

/**
 * The gist of an error body that is not JSON: a gateway's HTML page becomes its words (the title and
 * text, without tags), cut short, so the message stays readable.
 */
export function plainText(body: string, limit = 200): string {
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1];
	const text = (title ?? body)
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}

/**
 * Removes a secret from everything a failure will show. The service (or a proxy in front of it) may
 * echo the request's Authorization header in an error body, and that text ends up in messages.
 */
export function scrubFailure(failure: ApiFailure, secrets: string[]): ApiFailure {
	const scrub = (text: string) => scrubText(text, secrets);
	return {
		...failure,
		code: scrub(failure.code),
		message: scrub(failure.message),
		traceId: failure.traceId === undefined ? undefined : scrub(failure.traceId),
	};
}

/**
 * A token shorter than this is refused (see createVeoClient): hiding it wherever it appears would
 * mangle ordinary words, and not hiding it would let it through.
 */
export const MIN_SECRET_LENGTH = 6;

/** Hides bearer credentials and the given secrets. */
export function scrubText(text: string, secrets: string[] = []): string {
	let safe = text.replace(/bearer\s+[^\s"',}]+/gi, 'Bearer ***');
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH) safe = safe.split(secret).join('***');
	}
	return safe;
}

/** Every string of an answer (keys too), scrubbed: a successful record may quote the token as well. */
export function scrubDeep<T>(value: T, secrets: string[]): T {
	if (typeof value === 'string') return scrubText(value, secrets) as T;
	if (Array.isArray(value)) return value.map((entry: unknown) => scrubDeep(entry, secrets)) as T;
	if (value && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value).map(([key, entry]) => [scrubText(key, secrets), scrubDeep(entry as unknown, secrets)]),
		) as T;
	}
	return value;
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
	// The answer began but was cut off (too slow, too large): the message says so itself.
	if (code === 'answer_timeout' || code === 'answer_too_large') return message;
	if (status === undefined) return `Could not reach Ace Data Cloud: ${message}`;
	if (code === 'token_expired') {
		return 'The Ace Data Cloud API token has expired: check the Ace Data Cloud credential and renew the token at platform.acedata.cloud';
	}
	if (status === 401 || code === 'invalid_token') {
		return 'Ace Data Cloud did not accept the API token: check the Ace Data Cloud credential';
	}
	if (code === 'used_up') return 'Your Ace Data Cloud balance is not sufficient: top up your account and run again';
	if (code === 'forbidden') return `Ace Data Cloud's content moderation refused the request: ${message}`;
	if (status === 403) return `Ace Data Cloud refused the request: ${message}`;
	if (status === 400) return `Ace Data Cloud rejected the request: ${message}`;
	if (status === 404 && code === 'no_api') {
		return 'Ace Data Cloud has no Veo API at this address: check the Base URL in the Ace Data Cloud credential';
	}
	if (status === 404) return `Ace Data Cloud answered "not found": ${message}`;
	if (status === 429) return 'Ace Data Cloud is limiting requests: too many at once for this token';
	if (code === 'invalid_answer') {
		return 'Ace Data Cloud sent an answer the node cannot read: the service may be busy, or the Base URL in the credential may point at another server';
	}
	if (status >= 300 && status < 400) {
		return 'Ace Data Cloud answered with a redirect: check the Base URL in the credential';
	}
	if (status === 504) return `Ace Data Cloud timed out (HTTP 504): ${message}`;
	return `Ace Data Cloud failed (HTTP ${status}): ${message}`;
}

/** The details line every API error carries, so support can trace the call. */
export function failureDetails(failure: ApiFailure): string {
	const parts = [`code: ${failure.code}`, `message: ${failure.message}`];
	if (failure.status !== undefined) parts.unshift(`HTTP ${failure.status}`);
	if (failure.traceId) parts.push(`trace id: ${failure.traceId}`);
	return parts.join(' · ');
}

/** The service failure a transport error carries, if it is one. */
export function failureOf(error: unknown): ApiFailure | undefined {
	const failure = (error as { failure?: ApiFailure } | undefined)?.failure;
	return failure && typeof failure === 'object' && typeof failure.code === 'string' ? failure : undefined;
}
