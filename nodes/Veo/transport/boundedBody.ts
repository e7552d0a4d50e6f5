/**
 * Reading an answer's body within a total deadline and a byte cap, both enforced while it arrives.
 *
 * n8n's HTTP helpers only give an idle time-out (a host that sends a byte a second is never cut) and
 * no size limit (n8n 2.x passes `maxContentLength: Infinity`, 1.x `-1`). So the node asks for the
 * body as a stream (`encoding: 'stream'`, `returnFullResponse: true`) and reads it here: the moment
 * the deadline passes, the execution is stopped or one byte too many arrives, the stream is destroyed
 * and the read fails with a `BodyCut` saying why.
 */

import type { Deadline } from '../helpers/deadline';
import { msLeft } from '../helpers/deadline';

/** Why an answer was cut off. */
export type CutReason = 'timeout' | 'too_large' | 'cancelled';

export class BodyCut extends Error {
	constructor(
		readonly reason: CutReason,
		/** Bytes received before the cut (after any decompression: what would have been held in memory). */
		readonly bytes: number,
	) {
		super(reason === 'timeout' ? 'The answer did not arrive in time' : reason === 'too_large' ? 'The answer was too large' : 'The execution was cancelled');
		this.name = 'BodyCut';
	}
}

/** The bounds of one exchange. */
export interface BodyLimits {
	/** The most bytes the body may have; one more and it is cut. */
	maxBytes: number;
	/** Fires at the exchange's total deadline, fixed by the caller when the exchange began (see `deadlineSignal`). */
	deadline: AbortSignal;
	/** Fires when the execution is stopped (none in a webhook call). */
	cancel?: AbortSignal;
}

/** The parts of a Node.js readable stream used here (node code may not import 'stream'). */
export interface BodyStream {
	on(event: 'data', listener: (chunk: Buffer) => void): unknown;
	on(event: 'end' | 'close', listener: () => void): unknown;
	on(event: 'error', listener: (error: Error) => void): unknown;
	removeAllListeners(event?: string): unknown;
	destroy(): unknown;
}

/** A deadline as a signal that fires when it passes (AbortSignal.timeout: no timer of the node's own). */
export function deadlineSignal(deadline: Deadline): AbortSignal {
	return AbortSignal.timeout(Math.max(1, Math.round(msLeft(deadline))));
}

export function isBodyStream(value: unknown): value is BodyStream {
	return (
		!!value &&
		typeof value === 'object' &&
		typeof (value as BodyStream).on === 'function' &&
		typeof (value as BodyStream).destroy === 'function'
	);
}

/**
 * The whole body, or a `BodyCut` as soon as a limit is passed (the stream is then destroyed, and its
 * connection with it). A stream that breaks off rejects with its own error.
 */
export async function readBody(stream: BodyStream, limits: BodyLimits): Promise<Buffer> {
	return await new Promise<Buffer>((resolve, reject) => {
		const chunks: Buffer[] = [];
		let bytes = 0;
		let done = false;
		const finish = (error?: Error) => {
			if (done) return;
			done = true;
			limits.deadline.removeEventListener('abort', onDeadline);
			limits.cancel?.removeEventListener('abort', onCancel);
			if (error) {
				stream.removeAllListeners('data');
				stream.destroy();
				// A destroyed stream may still emit 'error'; with no listener, n8n itself would crash.
				stream.on('error', () => undefined);
				reject(error);
			} else {
				resolve(Buffer.concat(chunks, bytes));
			}
		};
		const onDeadline = () => finish(new BodyCut('timeout', bytes));
		const onCancel = () => finish(new BodyCut('cancelled', bytes));
		if (limits.cancel?.aborted) return onCancel();
		if (limits.deadline.aborted) return onDeadline();
		limits.deadline.addEventListener('abort', onDeadline, { once: true });
		limits.cancel?.addEventListener('abort', onCancel, { once: true });
		stream.on('data', (chunk: Buffer) => {
			if (done) return;
			bytes += chunk.length;
			if (bytes > limits.maxBytes) return finish(new BodyCut('too_large', bytes));
			chunks.push(chunk);
		});
		// Where n8n was given the deadline too (a callback has no cancel signal to replace it), its own
		// abort may break the stream first: the cut is still the deadline's.
		const broken = (error: Error) => (limits.cancel?.aborted ? onCancel() : limits.deadline.aborted ? onDeadline() : finish(error));
		stream.on('end', () => finish());
		stream.on('error', broken);
		stream.on('close', () => broken(new Error('The connection closed before the whole answer arrived')));
	});
}

/**
 * `request` as it settles, or a `BodyCut('timeout')` once `deadline` fires first, whether or not the
 * HTTP client was given the deadline too (n8n replaces an authenticated request's `abortSignal` with
 * the context's cancel signal: see `withCancelSignal` in veoClient.ts). The body of an answer that
 * arrives after all is destroyed unread.
 */
export async function beforeDeadline<T>(request: Promise<T>, deadline: AbortSignal, bodyOf: (answer: T) => unknown): Promise<T> {
	const late = (answer: T) => {
		const body = bodyOf(answer);
		if (isBodyStream(body)) body.destroy();
	};
	if (deadline.aborted) {
		request.then(late, () => undefined);
		throw new BodyCut('timeout', 0);
	}
	return await new Promise<T>((resolve, reject) => {
		const onDeadline = () => {
			request.then(late, () => undefined);
			reject(new BodyCut('timeout', 0));
		};
		deadline.addEventListener('abort', onDeadline, { once: true });
		request.then(
			(answer) => {
				// Past the deadline this is a no-op: onDeadline has rejected and will discard the body.
				deadline.removeEventListener('abort', onDeadline);
				resolve(answer);
			},
			(error: unknown) => {
				deadline.removeEventListener('abort', onDeadline);
				// n8n's own abort at the same deadline (a callback's request carries it) is the deadline's cut.
				reject(deadline.aborted ? new BodyCut('timeout', 0) : error);
			},
		);
	});
}
