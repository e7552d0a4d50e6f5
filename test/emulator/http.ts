import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorBody, FaultKind, RecordedRequest, ServiceError } from './types';
import type { HostileAnswerKind } from './hostileHost';
import { serveHostileAnswer } from './hostileHost';

const DEFAULT_ERRORS: Record<number, ServiceError> = {
	400: { code: 'bad_request', message: 'the request is invalid' },
	401: { code: 'invalid_token', message: 'the token is invalid' },
	403: { code: 'forbidden', message: 'the request is forbidden' },
	404: { code: 'no_api', message: 'the api does not exist' },
	429: { code: 'too_many_requests', message: 'too many requests' },
	500: { code: 'api_error', message: 'the api encountered an error' },
	504: { code: 'timeout', message: 'the api timed out' },
};

export function errorBody(code: string, message: string): ErrorBody {
	return { error: { code, message }, trace_id: randomUUID() };
}

/** The body the service would plausibly send for a bare status, used by injected 'status' faults. */
export function defaultErrorBody(status: number): ErrorBody {
	const known = DEFAULT_ERRORS[status] ?? (status >= 500 ? DEFAULT_ERRORS[500] : DEFAULT_ERRORS[400]);
	return errorBody(known.code, known.message);
}

export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

export async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export interface ParsedBody {
	/** JSON when it parses, else the raw text, undefined when empty: the log keeps whatever arrived. */
	value: unknown;
	isJson: boolean;
}

export function parseBody(raw: string): ParsedBody {
	if (raw === '') return { value: undefined, isJson: false };
	try {
		return { value: JSON.parse(raw), isJson: true };
	} catch {
		return { value: raw, isJson: false };
	}
}

/**
 * One HTTP exchange: answers through here keep the request log's `status` right, and a
 * 'drop-after-create' fault turns the would-be answer into a dropped socket.
 */
export class Reply {
	dropOnAnswer = false;
	/** Set by a 'stall', 'trickle' or 'endless' fault on an API path: the answer is sent that way. */
	hostileAnswer?: HostileAnswerKind;
	/** Set by a 'late-create' fault: answer this at once, create the task after `delayMs`. */
	lateCreate?: { status: number; delayMs: number };
	private clientGone = false;

	constructor(
		readonly entry: RecordedRequest,
		readonly res: ServerResponse,
	) {
		res.on('close', () => {
			if (!res.writableFinished) this.clientGone = true;
		});
	}

	/** True once the client went away before the answer was complete. */
	get closed(): boolean {
		return this.clientGone || this.res.destroyed;
	}

	markFault(kind: FaultKind): void {
		this.entry.fault = kind;
	}

	json(status: number, body: unknown, headers: Record<string, string> = {}): void {
		this.send(status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
	}

	send(status: number, text: string, headers: Record<string, string> = {}): void {
		if (this.dropOnAnswer) return this.drop();
		// Answered already (a late create goes on after its answer): the first answer stands.
		if (this.closed || this.res.headersSent) return;
		this.entry.status = status;
		if (this.hostileAnswer) {
			void serveHostileAnswer(this.res, this.hostileAnswer, status, text, headers).catch(() => this.drop());
			return;
		}
		const payload = Buffer.from(text, 'utf8');
		this.res.writeHead(status, { ...headers, 'content-length': String(payload.length) });
		this.res.end(payload);
	}

	/** Starts a streamed answer; the caller writes the body. */
	head(status: number, headers: Record<string, string>): void {
		this.entry.status = status;
		this.res.writeHead(status, headers);
	}

	drop(): void {
		this.res.socket?.destroy();
		this.res.destroy();
	}
}
