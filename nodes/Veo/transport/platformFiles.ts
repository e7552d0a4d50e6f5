import { randomBytes } from 'crypto';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import { failureFromAnswer, scrubFailure, scrubText } from '../helpers/apiFailure';
import { isWebAddress } from '../helpers/webAddress';
import type { Deadline } from '../helpers/deadline';
import { boundedExchange, CREDENTIAL_NAME, VeoRequestError } from './veoClient';

export const DEFAULT_PLATFORM_BASE_URL = 'https://platform.acedata.cloud';
const FILES_PATH = '/api/v1/files/';
/** Where a platform token is made; every message about a missing one says so. */
export const PLATFORM_TOKENS_PAGE = 'https://platform.acedata.cloud/console/platform-tokens';
/** The answer is `{"file_url": "…"}`; an error page is a few KB. */
const UPLOAD_ANSWER_MAX_BYTES = 1024 * 1024;

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
			const boundary = `----n8nVeo${randomBytes(12).toString('hex')}`;
			const options: IHttpRequestOptions = {
				method: 'POST',
				url: `${baseUrl}${FILES_PATH}`,
				body: multipartBody(boundary, file),
				headers: { accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` },
				// The platform token must never follow a redirect to another host.
				disableFollowRedirect: true,
			};
			// The credential signs requests to the platform's API with the platform token, never the API token.
			const answer = await boundedExchange(ctx, secrets, options, {
				deadline: limits.deadline,
				maxBytes: UPLOAD_ANSWER_MAX_BYTES,
				signal: limits.signal,
				timedOut: () =>
					new VeoRequestError({
						code: 'upload_timeout',
						message: `The upload did not finish within ${Math.round(limits.deadline.ms / 1000)} seconds`,
					}),
			});
			if (answer.statusCode < 200 || answer.statusCode >= 300) {
				throw new VeoRequestError(scrubFailure(failureFromAnswer(answer.statusCode, answer.body, answer.headers), secrets));
			}
			const fileUrl = (answer.body as IDataObject | undefined)?.file_url;
			if (typeof fileUrl !== 'string' || !isWebAddress(fileUrl)) {
				throw new VeoRequestError({
					status: answer.statusCode,
					code: 'invalid_answer',
					message: 'The upload answer holds no http(s) file_url',
				});
			}
			// Like every answer of the Veo API, nothing from the platform may carry a token on: an address
			// with the token in it would end up in the output (imageUrls) and be sent to the Veo API.
			if (scrubText(fileUrl, secrets) !== fileUrl) {
				throw new VeoRequestError({
					status: answer.statusCode,
					code: 'token_in_answer',
					message: `The upload answer's file_url carries a token (${scrubText(fileUrl, secrets)}); it is not used`,
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
