import { NodeOperationError } from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { failureFromAnswer, MIN_SECRET_LENGTH, scrubDeep, scrubFailure, scrubText } from '../helpers/apiFailure';
import type { VeoCreateBody } from '../helpers/requestBody';
import { caught, caughtSync } from '../helpers/caught';
import { SUBMIT_TIMEOUT_MS } from '../helpers/limits';
import { BASE_URL_REFUSED, isWebAddress } from '../helpers/webAddress';
import type { TaskRecord } from '../helpers/taskRecord';
import type { Deadline } from '../helpers/deadline';
import { deadlineIn, msLeft } from '../helpers/deadline';
import { beforeDeadline, BodyCut, deadlineSignal, isBodyStream, readBody } from './boundedBody';

export const CREDENTIAL_NAME = 'aceDataCloudApi';
export const DEFAULT_BASE_URL = 'https://api.acedata.cloud';

/**
 * Each answer of the service has a total deadline (from the request to its last byte) and a size,
 * both enforced while it arrives (docs/hostile-hosts.md). A create may take a while to be accepted
 * (SUBMIT_TIMEOUT_MS, shared with the engine); a query should answer in a moment. An object, like
 * TRANSFER_TIMES, so that tests can check these bounds scaled down to seconds.
 */
export const ANSWER_TIMES = {
	submitMs: SUBMIT_TIMEOUT_MS,
	queryMs: 30_000,
	/** All the pages of one listing (a look for the task of a lost create) together. */
	listMs: 30_000,
};
const MiB = 1024 * 1024;
/** An answer about one task (a create, a record) is a few KB. */
const ONE_TASK_MAX_BYTES = 1 * MiB;
/** A retrieve_batch answer holds at most 50 records. */
const BATCH_MAX_BYTES = 2 * MiB;
/** All the pages of one listing together. */
const LIST_MAX_BYTES = 4 * MiB;
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
	 * Runs one exchange with another host (a video host: it gets no credentials) the way the client's
	 * own fail: a failure without an answer becomes a VeoRequestError cleaned of the token.
	 */
	send<T>(request: () => Promise<T>): Promise<T>;
	/** An error's message, cleaned of the token (and of any bearer token). */
	safeMessage(error: unknown): string;
}

export async function createVeoClient(ctx: VeoNodeContext): Promise<VeoClient> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL).trim().replace(/\/+$/, '');
	if (!isWebAddress(baseUrl)) {
		throw new NodeOperationError(ctx.getNode(), BASE_URL_REFUSED.message, { description: BASE_URL_REFUSED.advice });
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

	const post = async (path: string, body: IDataObject, bounds: AnswerBounds): Promise<IDataObject> => {
		const options: IHttpRequestOptions = {
			method: 'POST',
			url: `${baseUrl}${path}`,
			body,
			json: true,
			headers: { accept: 'application/json', 'content-type': 'application/json' },
			// The token must never follow a redirect to another host.
			disableFollowRedirect: true,
		};
		const answer = await boundedExchange(ctx, secrets, options, bounds);
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

		async submit(body, timeoutMs = ANSWER_TIMES.submitMs) {
			const deadline = deadlineIn(Math.min(timeoutMs, ANSWER_TIMES.submitMs));
			return await post('/veo/videos', body as unknown as IDataObject, { deadline, maxBytes: ONE_TASK_MAX_BYTES });
		},

		async retrieve(taskId) {
			const bounds = { deadline: deadlineIn(ANSWER_TIMES.queryMs), maxBytes: ONE_TASK_MAX_BYTES };
			const answer = await caught(async () => await post('/veo/tasks', { action: 'retrieve', id: taskId }, bounds));
			if (!answer.ok) {
				// A 404 about the task means the service does not know it; `no_api` means the Base URL is wrong.
				const failure = answer.error instanceof VeoRequestError ? answer.error.failure : undefined;
				if (failure?.status === 404 && failure.code !== 'no_api') return undefined;
				throw toVeoRequestError(answer.error, secrets);
			}
			const record = answer.value as TaskRecord;
			return record.id || record.response ? record : undefined;
		},

		async retrieveBatch(ids, timeoutMs = ANSWER_TIMES.queryMs) {
			const deadline = deadlineIn(Math.min(timeoutMs, ANSWER_TIMES.queryMs));
			const answer = await post('/veo/tasks', { action: 'retrieve_batch', ids }, { deadline, maxBytes: BATCH_MAX_BYTES });
			return Array.isArray(answer.items) ? (answer.items as TaskRecord[]) : [];
		},

		async listSince(createdAtMin) {
			const records: TaskRecord[] = [];
			// One deadline and one size for the whole listing, not for each of its pages.
			const deadline = deadlineIn(ANSWER_TIMES.listMs);
			let bytesLeft = LIST_MAX_BYTES;
			for (let page = 0; page < MAX_LIST_PAGES; page++) {
				const answer = await post(
					'/veo/tasks',
					{ action: 'retrieve_batch', created_at_min: createdAtMin, offset: records.length, limit: LIST_PAGE_SIZE },
					{ deadline, maxBytes: bytesLeft, onRead: (bytes) => (bytesLeft -= bytes) },
				);
				const items = Array.isArray(answer.items) ? (answer.items as TaskRecord[]) : [];
				records.push(...items);
				if (items.length < LIST_PAGE_SIZE || records.length >= Number(answer.count ?? 0)) break;
			}
			return records;
		},

		send: async (request) => await send(ctx, secrets, request),

		safeMessage: (error) => safeMessage(error, secrets),
	};
}

/** Runs one HTTP exchange and turns a failure without an answer into a safe VeoRequestError. */
export async function send<T>(ctx: VeoNodeContext, secrets: string[], request: () => Promise<T>): Promise<T> {
	const answer = await caught(request);
	if (answer.ok) return answer.value;
	// Already told in the node's own words (a deadline, a cut answer, a stop): kept as it is.
	if (answer.error instanceof VeoRequestError || answer.error instanceof ExecutionCancelled) throw answer.error;
	if (cancelSignalOf(ctx)?.aborted) throw new ExecutionCancelled();
	const cause = (answer.error as { cause?: { code?: string; message?: string } }).cause;
	const code = cause?.code ?? (answer.error as { code?: string }).code ?? 'network_error';
	if (isRedirectFailure(code, safeMessage(answer.error))) {
		throw new VeoRequestError({ code: 'too_many_redirects', message: 'The address redirected too many times (a redirect loop)' });
	}
	throw new VeoRequestError({ code: scrubText(String(code), secrets), message: safeMessage(cause ?? answer.error, secrets) });
}

/** The limits of one answer of the service or the platform. */
export interface AnswerBounds {
	/** Its total deadline, fixed when the wait for it began: the answer must be whole by then. */
	deadline: Deadline;
	maxBytes: number;
	/** Told how many bytes the answer had, once it is whole. */
	onRead?: (bytes: number) => void;
	/** The node run's signal (an upload): the user's stop, or the end of the run, cuts the exchange off at once. */
	signal?: AbortSignal;
	/** What a cut at the deadline is called, where the caller has its own words for it (an upload). */
	timedOut?: () => VeoRequestError;
}

/** An answer read whole within its bounds; the body parsed as JSON where it is JSON, else its text. */
export interface BoundedAnswer {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/**
 * One authenticated exchange with its answer read within `bounds`, while it arrives (boundedBody.ts).
 * An answer cut at the deadline or at the size is a failure without an answer (no status): a query
 * asks again, a create is looked for and never sent again (createFailure.ts).
 */
export async function boundedExchange(
	ctx: VeoNodeContext,
	secrets: string[],
	options: IHttpRequestOptions,
	bounds: AnswerBounds,
): Promise<BoundedAnswer> {
	const cancel = bounds.signal ?? cancelSignalOf(ctx);
	const timedOut = bounds.timedOut ?? (() => answerTimeout(bounds.deadline));
	if (cancel?.aborted) throw new ExecutionCancelled();
	// Queued past its deadline: no time is left to start it.
	if (msLeft(bounds.deadline) === 0) throw timedOut();
	const deadline = deadlineSignal(bounds.deadline);
	const abortSignal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
	const request: IHttpRequestOptions = {
		...options,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		// n8n's own idle time-out is a little later than the deadline, so that the deadline speaks first.
		timeout: msLeft(bounds.deadline) + 1000,
		abortSignal,
	};
	return await send(ctx, secrets, async () => {
		const read = await caught(async () => {
			const response = (await beforeDeadline(
				ctx.helpers.httpRequestWithAuthentication.call(withCancelSignal(ctx, abortSignal), CREDENTIAL_NAME, request) as Promise<IN8nHttpFullResponse>,
				deadline,
				(late) => late.body,
			)) as IN8nHttpFullResponse;
			const bytes = isBodyStream(response.body)
				? await readBody(response.body, { maxBytes: bounds.maxBytes, deadline, cancel })
				: Buffer.from(typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? ''));
			bounds.onRead?.(bytes.length);
			return { statusCode: response.statusCode, headers: response.headers as IDataObject, body: parsedAnswer(bytes) };
		});
		if (read.ok) return read.value;
		if (cancel?.aborted) throw new ExecutionCancelled();
		if (read.error instanceof BodyCut) throw read.error.reason === 'too_large' ? answerTooLarge(bounds.maxBytes) : timedOut();
		throw read.error;
	});
}

/**
 * The context an authenticated request is made with, whose cancel signal is `signal`. n8n gives such a
 * request the context's cancel signal whatever its options ask (n8n-core 1.123 and 2.41 set
 * `abortSignal` from `this.getExecutionCancelSignal()` where the context has one; a webhook's has none
 * and keeps the options' signal), so this is how the deadline and the end of the node's run reach it.
 */
function withCancelSignal(ctx: VeoNodeContext, signal: AbortSignal): VeoNodeContext {
	if (!('getExecutionCancelSignal' in ctx)) return ctx;
	return new Proxy(ctx, {
		get: (target, key, receiver) => (key === 'getExecutionCancelSignal' ? () => signal : Reflect.get(target, key, receiver)),
	});
}

function answerTimeout(deadline: Deadline): VeoRequestError {
	return new VeoRequestError({ code: 'answer_timeout', message: `Ace Data Cloud's answer did not arrive within ${Math.ceil(deadline.ms / 1000)} seconds` });
}

function answerTooLarge(maxBytes: number): VeoRequestError {
	return new VeoRequestError({
		code: 'answer_too_large',
		message: `Ace Data Cloud's answer was larger than ${(maxBytes / MiB).toFixed(1)} MiB, far more than any answer of the service`,
	});
}

/** JSON where the text is JSON, else the text ('' for an empty body), as n8n's JSON reading gives it. */
function parsedAnswer(bytes: Buffer): unknown {
	const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
	if (text.trim() === '') return text;
	const json = caughtSync(() => JSON.parse(text) as unknown);
	return json.ok ? json.value : text;
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
