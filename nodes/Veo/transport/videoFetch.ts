import type { IBinaryData, IN8nHttpFullResponse } from 'n8n-workflow';

import { retryAfterMs } from '../helpers/apiFailure';
import { caught } from '../helpers/caught';
import type { Deadline } from '../helpers/deadline';
import { msLeft } from '../helpers/deadline';
import { videoFileType, VideoHead } from '../helpers/videoFileType';
import { isWebAddress } from '../helpers/webAddress';
import { deadlineSignal } from './boundedBody';
import type { VeoClient, VeoNodeContext } from './veoClient';
import { cancelSignalOf, ExecutionCancelled, VeoRequestError } from './veoClient';

/** What one download may take; beyond either, it fails (and is not tried again). */
export interface DownloadLimits {
	/** By when the whole download (request to last byte) must be done. */
	deadline: Deadline;
	maxBytes: number;
	/** The node run's signal: the user's stop, or the end of the run, cuts the download off at once. */
	signal?: AbortSignal;
}

/**
 * Streams a finished video into n8n's binary store as `<baseName>.<extension>`, typed as the host
 * says (else by `resolution`), within its deadline and size cap while it arrives; the video host gets
 * no credentials. Failures are the client's (`client.send`): safe to show, cleaned of the token.
 */
export async function fetchVideo(
	ctx: VeoNodeContext,
	client: Pick<VeoClient, 'send' | 'safeMessage'>,
	url: string,
	baseName: string,
	limits: DownloadLimits,
	resolution?: unknown,
): Promise<IBinaryData> {
		if (!isWebAddress(url)) {
			throw new VeoRequestError({ code: 'invalid_video_url', message: 'The service gave a video address that is not an http(s) address' });
		}
		const timeout = downloadTimeout(limits.deadline);
		// Queued past its deadline: no time is left to start it.
		if (msLeft(limits.deadline) === 0) throw timeout;
		// n8n's own time-out only notices a connection that goes idle: a host that trickles a byte a
		// second would hold the node for ever. This one covers the whole download.
		const deadline = deadlineSignal(limits.deadline);
		const cancel = limits.signal ?? cancelSignalOf(ctx);
		const signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
		const stopped = () => (cancel?.aborted ? new ExecutionCancelled() : timeout);
		if (cancel?.aborted) throw stopped();
		const response = (await client.send(async () => {
			const answer = await caught(async () =>
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
			// A host that never sends its headers meets the deadline (before n8n's idle time-out): a time-out, not a break.
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
		const head = new VideoHead();
		let notVideo = false;
		const counted = stream.map((chunk: Buffer) => {
			received += chunk.length;
			if (received > limits.maxBytes) {
				overSize = true;
				stream.destroy();
				throw tooLarge(limits.maxBytes);
			}
			if (!head.add(chunk)) {
				notVideo = true;
				stream.destroy();
				throw notAVideo();
			}
			return chunk;
		});
		const stored = await caught(
			async () => await ctx.helpers.prepareBinaryData(counted as unknown as Buffer, `${baseName}.${file.extension}`, file.mimeType),
		);
		if (stored.ok && head.isVideo()) return stored.value;
		if (stored.ok || notVideo) throw notAVideo();
		if (signal.aborted) throw stopped();
		if (overSize) throw tooLarge(limits.maxBytes);
		throw new VeoRequestError({ code: 'download_failed', message: `The video download broke off: ${client.safeMessage(stored.error)}` });
}

/** The parts of the answer's Node.js stream used here (the 'stream' module may not be imported). */
interface VideoStream {
	destroy(): void;
	/** A new stream of the chunks, each passed through `fn` (Readable.prototype.map, Node.js 17.4+). */
	map(fn: (chunk: Buffer) => Buffer): unknown;
}

/** Status 200 and a video's (or no) type, but the bytes of something else: an error page, most often. */
function notAVideo(): VeoRequestError {
	return new VeoRequestError({ status: 200, code: 'not_a_video', message: 'The video address answered with bytes that are not a video (mp4, mov, webm or gif)' });
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

/**
 * An error page or message served with status 200 (a CDN's HTML page, a JSON or XML error) must not
 * be stored as the mp4. Unusual binary types (octet-stream and the like) are let through.
 */
function isNotAVideo(contentType: string): boolean {
	return /^(text\/|application\/(json|xml|problem\+json|xhtml\+xml))/.test(contentType);
}

