import { NodeOperationError } from 'n8n-workflow';
import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { failureFromAnswer, MIN_SECRET_LENGTH, retryAfterMs, scrubDeep, scrubFailure, scrubText } from '../helpers/apiFailure';
import type { VeoCreateBody } from '../helpers/requestBody';
import { settle } from '../helpers/settle';
import { videoFileType } from '../helpers/videoFileType';
import { isWebAddress } from '../helpers/webAddress';
import type { TaskRecord } from '../helpers/taskRecord';
import type { Deadline } from '../helpers/transferDeadline';
import { msLeft } from '../helpers/transferDeadline';

export const CREDENTIAL_NAME = 'aceDataCloudApi';
export const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

/** Upper bounds for one HTTP exchange, so a stuck connection cannot hold the node past its wait. */
const SUBMIT_TIMEOUT_MS = 60_000;
const QUERY_TIMEOUT_MS = 30_000;
const LIST_PAGE_SIZE = 50;
const MAX_LIST_PAGES = 20;

/** A call to the service that did not succeed; carries only what is safe to show. */
export class VeoRequestError extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
		this.name = 'VeoRequestError';
	}
}

/** The execution was stopped by the user while a request or a wait was under way. */
export class ExecutionCancelled extends Error {
	constructor() {
		super('The execution was cancelled');
		this.name = 'ExecutionCancelled';
	}
}

/**
 * What the node needs from n8n to talk to the service: a running execution (`execute`) has it all,
 * a callback that resumes a paused one (`webhook`) has everything but a cancel signal.
 */
export type VeoNodeContext = IExecuteFunctions | IWebhookFunctions;

/** The signal that fires when the user stops the execution (a callback has none). */
export function cancelSignalOf(ctx: VeoNodeContext): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
}

export interface VeoClient {
	/** The service's address, from the credential (without a trailing slash). */
	readonly baseUrl: string;
	/** `POST /veo/videos`: creates a (paid) task and answers with its id. */
	submit(body: VeoCreateBody, timeoutMs?: number): Promise<IDataObject>;
	/** `POST /veo/tasks` retrieve: one record, or undefined when the service does not know the id. */
	retrieve(taskId: string): Promise<TaskRecord | undefined>;
	/** `POST /veo/tasks` retrieve_batch: the records the service knows among `ids` (at most 50). */
	retrieveBatch(ids: string[], timeoutMs?: number): Promise<TaskRecord[]>;
	/** Every task of this token created at or after `createdAtMin` (seconds), page by page. */
	listSince(createdAtMin: number): Promise<TaskRecord[]>;
	/**
	 * Streams a finished video into n8n's binary store as `<baseName>.<extension>`, typed as the host
	 * says (else by `resolution`); the video host gets no credentials.
	 */
	downloadVideo(url: string, baseName: string, limits: DownloadLimits, resolution?: unknown): Promise<IBinaryData>;
}

/** What one download may take; beyond either, it fails (and is not tried again). */
export interface DownloadLimits {
	/** By when the whole download (request to last byte) must be done. */
	deadline: Deadline;
	maxBytes: number;
	/** The node run's signal: the user's stop, or the end of the run, cuts the download off at once. */
	signal?: AbortSignal;
}

export async function createVeoClient(ctx: VeoNodeContext): Promise<VeoClient> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
	if (!isWebAddress(baseUrl)) {
		// The value is not quoted back: a token pasted into the wrong field would end up in the message.
		throw new NodeOperationError(
			ctx.getNode(),
			"The 'Base URL' of the Ace Data Cloud API credential is not an http or https address",
			{ description: 'Open the credential and set Base URL to https://api.acedata.cloud (or the http(s) address of your own gateway).' },
		);
	}
	const token = String(credentials.apiToken ?? '').trim();
	if (token.length < MIN_SECRET_LENGTH) {
		throw new NodeOperationError(ctx.getNode(), "The 'API Token' of the Ace Data Cloud API credential is too short to be a token", {
			description: 'Open the credential and paste the whole token of your Ace Data Cloud application (from platform.acedata.cloud).',
		});
	}
	// Whatever the service or the network says back is cleaned of the token before anyone sees it.
	const secrets = [String(credentials.apiToken ?? ''), token];
	const requestError = (failure: ApiFailure) => new VeoRequestError(scrubFailure(failure, secrets));

	const post = async (path: string, body: IDataObject, timeout: number): Promise<IDataObject> => {
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: `${baseUrl}${path}`,
			body,
			json: true,
			headers: { accept: 'application/json', 'content-type': 'application/json' },
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// The token must never follow a redirect to another host.
			disableFollowRedirect: true,
			timeout,
			abortSignal: cancelSignalOf(ctx),
		};
		const answer = (await send(ctx, secrets, () =>
			ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_NAME, options),
		)) as IN8nHttpFullResponse;
		if (answer.statusCode < 200 || answer.statusCode >= 300) {
			throw requestError(failureFromAnswer(answer.statusCode, answer.body, answer.headers as IDataObject));
		}
		if (!answer.body || typeof answer.body !== 'object' || Array.isArray(answer.body)) {
			throw new VeoRequestError({
				status: answer.statusCode,
				code: 'invalid_answer',
				message: 'The service answered with something that is not a JSON object',
			});
		}
		return scrubDeep(answer.body as IDataObject, secrets);
	};

	return {
		baseUrl,

		async submit(body, timeoutMs = SUBMIT_TIMEOUT_MS) {
			return await post('/veo/videos', body as unknown as IDataObject, Math.min(timeoutMs, SUBMIT_TIMEOUT_MS));
		},

		async retrieve(taskId) {
			const answer = await settle(async () => await post('/veo/tasks', { action: 'retrieve', id: taskId }, QUERY_TIMEOUT_MS));
			if (!answer.ok) {
				// A 404 about the task means the service does not know it; `no_api` means the Base URL is wrong.
				const failure = answer.error instanceof VeoRequestError ? answer.error.failure : undefined;
				if (failure?.status === 404 && failure.code !== 'no_api') return undefined;
				throw toVeoRequestError(answer.error, secrets);
			}
			const record = answer.value as TaskRecord;
			return record.id || record.response ? record : undefined;
		},

		async retrieveBatch(ids, timeoutMs = QUERY_TIMEOUT_MS) {
			const answer = await post('/veo/tasks', { action: 'retrieve_batch', ids }, Math.min(timeoutMs, QUERY_TIMEOUT_MS));
			return Array.isArray(answer.items) ? (answer.items as TaskRecord[]) : [];
		},

		async listSince(createdAtMin) {
			const records: TaskRecord[] = [];
			for (let page = 0; page < MAX_LIST_PAGES; page++) {
				const answer = await post(
					'/veo/tasks',
					{ action: 'retrieve_batch', created_at_min: createdAtMin, offset: records.length, limit: LIST_PAGE_SIZE },
					QUERY_TIMEOUT_MS,
				);
				const items = Array.isArray(answer.items) ? (answer.items as TaskRecord[]) : [];
				records.push(...items);
				if (items.length < LIST_PAGE_SIZE || records.length >= Number(answer.count ?? 0)) break;
			}
			return records;
		},

		async downloadVideo(url, baseName, limits, resolution) {
			if (!isWebAddress(url)) {
				throw new VeoRequestError({ code: 'invalid_video_url', message: 'The service gave a video address that is not an http(s) address' });
			}
			const timeout = downloadTimeout(limits.deadline);
			// Queued past its deadline: no time is left to start it.
			if (msLeft(limits.deadline) === 0) throw timeout;
			// n8n's own time-out only notices a connection that goes idle: a host that trickles a byte a
			// second would hold the node for ever. This one covers the whole download.
			const deadline = AbortSignal.timeout(msLeft(limits.deadline));
			const cancel = limits.signal ?? cancelSignalOf(ctx);
			const signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
			const stopped = () => (cancel?.aborted ? new ExecutionCancelled() : timeout);
			if (cancel?.aborted) throw stopped();
			const response = (await send(ctx, secrets, async () => {
				const answer = await settle(async () =>
					await ctx.helpers.httpRequest({
						method: 'GET',
						url,
						// Stored as sent: a compressed answer could unpack to many times its size on the wire.
						headers: { 'accept-encoding': 'identity' },
						encoding: 'stream',
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
						// The idle time-out is a little later than the deadline, so that the deadline speaks first.
						timeout: msLeft(limits.deadline) + 1000,
						abortSignal: signal,
					}),
				);
				if (answer.ok) return answer.value;
				throw signal.aborted ? stopped() : answer.error;
			})) as IN8nHttpFullResponse;
			const stream = response.body as VideoStream;
			const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
			const declaredSize = Number(response.headers['content-length']);
			if (response.statusCode !== 200 || isNotAVideo(contentType) || declaredSize > limits.maxBytes) {
				stream.destroy();
				if (response.statusCode === 200 && declaredSize > limits.maxBytes) throw tooLarge(limits.maxBytes);
				throw new VeoRequestError({
					status: response.statusCode,
					code: 'download_failed',
					message:
						response.statusCode === 200
							? `The video address answered with ${contentType.startsWith('text/html') ? 'a web page' : `'${contentType}'`} instead of a video`
							: `The video address answered HTTP ${response.statusCode}`,
					retryAfterMs: retryAfterMs(response.headers['retry-after']),
				});
			}
			const file = videoFileType(contentType, resolution);
			// A stalled host sends no more data, so nothing downstream would notice the deadline: end it here.
			signal.addEventListener('abort', () => stream.destroy(), { once: true });
			let received = 0;
			let overSize = false;
			const counted = stream.map((chunk: Buffer) => {
				received += chunk.length;
				if (received > limits.maxBytes) {
					overSize = true;
					stream.destroy();
					throw tooLarge(limits.maxBytes);
				}
				return chunk;
			});
			const stored = await settle(
				async () => await ctx.helpers.prepareBinaryData(counted as unknown as Buffer, `${baseName}.${file.extension}`, file.mimeType),
			);
			if (stored.ok) return stored.value;
			if (signal.aborted) throw stopped();
			if (overSize) throw tooLarge(limits.maxBytes);
			throw new VeoRequestError({ code: 'download_failed', message: `The video download broke off: ${safeMessage(stored.error, secrets)}` });
		},
	};
}

/** The parts of the answer's Node.js stream used here (the 'stream' module may not be imported). */
interface VideoStream {
	destroy(): void;
	/** A new stream of the chunks, each passed through `fn` (Readable.prototype.map, Node.js 17.4+). */
	map(fn: (chunk: Buffer) => Buffer): unknown;
}

function downloadTimeout(deadline: Deadline): VeoRequestError {
	return new VeoRequestError({
		code: 'download_timeout',
		message: `The video download did not finish within ${Math.round(deadline.ms / 1000)} seconds`,
	});
}

function tooLarge(maxBytes: number): VeoRequestError {
	return new VeoRequestError({
		code: 'video_too_large',
		message: `The video is larger than Max Video Size (${maxBytes / 1_000_000} MB)`,
	});
}

/** Runs one HTTP exchange and turns a failure without an answer into a safe VeoRequestError. */
export async function send<T>(ctx: VeoNodeContext, secrets: string[], request: () => Promise<T>): Promise<T> {
	const answer = await settle(request);
	if (answer.ok) return answer.value;
	// Already told in the node's own words (a download's deadline, a stop).
	if (answer.error instanceof VeoRequestError || answer.error instanceof ExecutionCancelled) throw answer.error;
	if (cancelSignalOf(ctx)?.aborted) throw new ExecutionCancelled();
	const cause = (answer.error as { cause?: { code?: string; message?: string } }).cause;
	const code = cause?.code ?? (answer.error as { code?: string }).code ?? 'network_error';
	if (isRedirectFailure(code, safeMessage(answer.error))) {
		throw new VeoRequestError({ code: 'too_many_redirects', message: 'The address redirected too many times (a redirect loop)' });
	}
	throw new VeoRequestError({ code: scrubText(String(code), secrets), message: safeMessage(cause ?? answer.error, secrets) });
}

/**
 * The HTTP layer gave up following redirects: a loop, or a hop it may not take. follow-redirects says
 * so with an ERR_FR_ code; n8n's own redirect handling (2.x, behind a proxy) only in words.
 */
function isRedirectFailure(code: string, message: string): boolean {
	return code.startsWith('ERR_FR_') || /number of redirects|redirect location/i.test(message);
}

/** Keeps our own errors as they are; anything unexpected becomes a safe, generic failure. */
function toVeoRequestError(error: unknown, secrets: string[]): Error {
	if (error instanceof VeoRequestError || error instanceof ExecutionCancelled) return error;
	return new VeoRequestError({ code: 'unexpected_error', message: safeMessage(error, secrets) });
}

/** Error texts from the HTTP layer can quote request headers; never let a bearer token (or the given secrets) through. */
export function safeMessage(error: unknown, secrets: string[] = []): string {
	const message = error instanceof Error ? error.message : String(error);
	return scrubText(message, secrets);
}

/**
 * An error page or message served with status 200 (a CDN's HTML page, a JSON or XML error) must not
 * be stored as the mp4. Unusual binary types (octet-stream and the like) are let through.
 */
function isNotAVideo(contentType: string): boolean {
	return /^(text\/|application\/(json|xml|problem\+json|xhtml\+xml))/.test(contentType);
}

