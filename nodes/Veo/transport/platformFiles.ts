import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';

import { failureFromAnswer, scrubFailure } from '../helpers/apiFailure';
import { isWebAddress } from '../helpers/webAddress';
import { settle } from '../helpers/settle';
import type { Deadline } from '../helpers/transferDeadline';
import { msLeft } from '../helpers/transferDeadline';
import { CREDENTIAL_NAME, ExecutionCancelled, VeoRequestError, send } from './veoClient';

export const DEFAULT_PLATFORM_BASE_URL = 'https://platform.acedata.cloud';
const FILES_PATH = '/api/v1/files/';
/** Where a platform token is made; every message about a missing one says so. */
export const PLATFORM_TOKENS_PAGE = 'https://platform.acedata.cloud/console/platform-tokens';

/** One file to upload: its bytes, and the name and type it is stored under. */
export interface UploadFile {
	bytes: Buffer;
	fileName: string;
	mimeType: string;
}

/** How long an upload may take, and what else ends it. */
export interface UploadLimits {
	/** By when the whole upload (request to answer) must be done. */
	deadline: Deadline;
	/** The node run's signal: the user's stop, or the end of the run, cuts the upload off at once. */
	signal: AbortSignal;
}

/** Ace Data Cloud's files endpoint (on the platform host, not the Veo API), with the platform token. */
export interface PlatformFiles {
	/** Uploads one file; answers with its CDN address. */
	upload(file: UploadFile, limits: UploadLimits): Promise<string>;
}

/** Thrown before any request when the credential cannot upload: no platform token, or no usable address. */
export class PlatformCredentialError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'PlatformCredentialError';
	}
}

export async function createPlatformFiles(ctx: IExecuteFunctions): Promise<PlatformFiles> {
	const credentials = await ctx.getCredentials(CREDENTIAL_NAME);
	const platformToken = String(credentials.platformToken ?? '').trim();
	if (!platformToken) {
		throw new PlatformCredentialError(
			`Images from binary fields are uploaded to Ace Data Cloud first, which needs a Platform Token in the Ace Data Cloud API credential. Make one at ${PLATFORM_TOKENS_PAGE} (it starts with "platform-") and add it to the credential.`,
		);
	}
	const baseUrl = String(credentials.platformBaseUrl || DEFAULT_PLATFORM_BASE_URL).trim().replace(/\/+$/, '');
	if (!isWebAddress(baseUrl)) {
		// The value is not quoted back: a token pasted into the wrong field would end up in the message.
		throw new PlatformCredentialError(
			"The 'Platform Base URL' of the Ace Data Cloud API credential is not an http or https address. Set it to https://platform.acedata.cloud.",
		);
	}
	// Neither token may come back in a message, whatever the platform or the network says.
	const secrets = [platformToken, String(credentials.apiToken ?? '')].filter(Boolean);

	return {
		async upload(file, limits) {
			const timeout = new VeoRequestError({
				code: 'upload_timeout',
				message: `The upload did not finish within ${Math.round(limits.deadline.ms / 1000)} seconds`,
			});
			// Queued past its deadline: no time is left to start it.
			if (limits.signal.aborted) throw new ExecutionCancelled();
			if (msLeft(limits.deadline) === 0) throw timeout;
			const signal = AbortSignal.any([limits.signal, AbortSignal.timeout(msLeft(limits.deadline))]);
			const boundary = `----n8nVeo${randomBytes(12).toString('hex')}`;
			const options: IHttpRequestOptions = {
				method: 'POST',
				url: `${baseUrl}${FILES_PATH}`,
				body: multipartBody(boundary, file),
				headers: { accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				// The platform token must never follow a redirect to another host.
				disableFollowRedirect: true,
				// The idle time-out is a little later than the deadline, so that the deadline speaks first.
				timeout: msLeft(limits.deadline) + 1000,
				abortSignal: signal,
			};
			// The credential signs requests to the platform's API with the platform token, never the API token.
			const answer = (await send(ctx, secrets, async () => {
				const sent = await settle(async () =>
					await ctx.helpers.httpRequestWithAuthentication.call(withCancelSignal(ctx, signal), CREDENTIAL_NAME, options),
				);
				if (sent.ok) return sent.value;
				if (limits.signal.aborted) throw new ExecutionCancelled();
				throw signal.aborted ? timeout : sent.error;
			})) as IN8nHttpFullResponse;
			const body = parsed(answer.body);
			if (answer.statusCode < 200 || answer.statusCode >= 300) {
				throw new VeoRequestError(scrubFailure(failureFromAnswer(answer.statusCode, body, answer.headers as IDataObject), secrets));
			}
			const fileUrl = (body as IDataObject | undefined)?.file_url;
			if (typeof fileUrl !== 'string' || !isWebAddress(fileUrl)) {
				throw new VeoRequestError({
					status: answer.statusCode,
					code: 'invalid_answer',
					message: 'The upload answer holds no http(s) file_url',
				});
			}
			return fileUrl;
		},
	};
}

/** A multipart/form-data body with the one part the endpoint takes: the field `file`. */
export function multipartBody(boundary: string, file: UploadFile): Buffer {
	const name = file.fileName.replace(/["\r\n\\]/g, '_');
	const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`;
	return Buffer.concat([Buffer.from(head, 'utf8'), file.bytes, Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8')]);
}

/**
 * The context an authenticated request is made with, whose cancel signal is `signal`. n8n gives such a
 * request the context's cancel signal whatever its options ask (n8n-core 1.123 and 2.41 set
 * `abortSignal` from `this.getExecutionCancelSignal()`), so this is how the upload's deadline and the
 * end of the node's run reach it.
 */
function withCancelSignal(ctx: IExecuteFunctions, signal: AbortSignal): IExecuteFunctions {
	return new Proxy(ctx, {
		get: (target, key, receiver) => (key === 'getExecutionCancelSignal' ? () => signal : Reflect.get(target, key, receiver)),
	});
}

function parsed(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}
