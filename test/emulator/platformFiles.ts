/**
 * A local stand-in for Ace Data Cloud's files endpoint (`POST <platform>/api/v1/files/`, facts in
 * /work/shared/veo-api-extra.md, "Images: URLs, base64, uploads"). It is a second server with its own
 * base URL and its own token, as the real one lives on platform.acedata.cloud and takes only a
 * platform token: the Veo API token is refused here, as the platform token is refused by the Veo
 * emulator. Uploaded files are served back from `/cdn/<name>`, standing in for cdn.acedata.cloud.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { HostileAnswerKind } from './hostileHost';
import { HOSTILE_ANSWER_KINDS, serveHostileAnswer, wait } from './hostileHost';
import { errorBody, flattenHeaders } from './http';

export const FILES_PATH = '/api/v1/files/';
/** What the web app allows (`MAX_UPLOAD_BYTES`). */
export const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;
const CDN_PATH = /^\/cdn\/([0-9a-f]{10}\.[a-z0-9]+)$/;

export interface PlatformFilesOptions {
	/** The accepted platform token; default 'platform-test-token'. */
	token?: string;
	host?: string;
	port?: number;
}

/** One accepted upload. */
export interface UploadRecord {
	fileName: string;
	mimeType: string;
	size: number;
	sha256: string;
	fileUrl: string;
}

/** One request as it arrived (bodies are not kept: they can be large and binary). */
export interface PlatformRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	size: number;
	status?: number;
	/** Set when the request made an upload. */
	upload?: UploadRecord;
	/** Date.now() at arrival, and when its connection closed (answer sent, or the client went away). */
	at: number;
	closedAt?: number;
}

/**
 * `status`: answer with that status and a service error; `drop`: close the connection without an
 * answer; `redirect`: a 307 to `location` (a client that follows it would send the file and its token
 * on). The others accept the upload, then: `stall`, `trickle`, `endless` send the answer the hostile
 * way (serveHostileAnswer); `signed-url` answers a `file_url` that carries the platform token as a
 * query signature; `delay`: reads the upload, then sends nothing, not even the headers, for `delayMs`
 * real ms (or until the client leaves), then answers as usual.
 */
export type UploadFault =
	| { kind: 'status'; status: number; count?: number }
	| { kind: 'drop'; count?: number }
	| { kind: 'redirect'; location: string; count?: number }
	| { kind: 'delay'; delayMs: number; count?: number }
	| { kind: HostileAnswerKind | 'signed-url'; count?: number };

export class PlatformFilesEmulator {
	readonly requests: PlatformRequest[] = [];

	private readonly primaryToken: string;
	private readonly host: string;
	private readonly port: number;
	private readonly files = new Map<string, { bytes: Buffer; mimeType: string }>();
	private faults: Array<{ fault: UploadFault; remaining: number }> = [];
	private server?: Server;
	private url?: string;
	private readonly sockets = new Set<Socket>();

	constructor(options: PlatformFilesOptions = {}) {
		this.primaryToken = options.token ?? 'platform-test-token';
		this.host = options.host ?? '127.0.0.1';
		this.port = options.port ?? 0;
	}

	start(): Promise<string> {
		if (this.server) return Promise.resolve(this.baseUrl);
		const server = http.createServer((req, res) => void this.handle(req, res));
		server.on('connection', (socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		server.on('clientError', (_error, socket) => socket.destroy());
		this.server = server;
		return new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(this.port, this.host, () => {
				const { port } = server.address() as AddressInfo;
				this.url = `http://${this.host}:${port}`;
				resolve(this.url);
			});
		});
	}

	async stop(): Promise<void> {
		const server = this.server;
		if (!server) return;
		this.server = undefined;
		const closed = new Promise<void>((resolve) => server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		this.sockets.clear();
		await closed;
	}

	get baseUrl(): string {
		if (!this.url) throw new Error('PlatformFilesEmulator is not started');
		return this.url;
	}

	get token(): string {
		return this.primaryToken;
	}

	/** Accepted uploads, in order. */
	uploads(): UploadRecord[] {
		return this.requests.flatMap((request) => (request.upload ? [request.upload] : []));
	}

	/** Requests to the files endpoint, accepted or not. */
	uploadAttempts(): PlatformRequest[] {
		return this.requests.filter((request) => request.path === FILES_PATH);
	}

	/** The next upload requests (first in, first out) meet this fault instead of being served. */
	inject(fault: UploadFault): void {
		const count = fault.count ?? 1;
		if (!Number.isInteger(count) || count < 1) throw new TypeError('fault count must be a positive integer');
		this.faults.push({ fault, remaining: count });
	}

	reset(): void {
		this.requests.length = 0;
		this.files.clear();
		this.faults = [];
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const entry: PlatformRequest = {
			method: req.method ?? 'GET',
			path: (req.url ?? '/').split('?')[0],
			headers: flattenHeaders(req.headers),
			size: 0,
			at: Date.now(),
		};
		this.requests.push(entry);
		res.once('close', () => (entry.closedAt = Date.now()));
		const answer = (status: number, body: unknown, type = 'application/json') => {
			entry.status = status;
			const payload = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
			res.writeHead(status, { 'content-type': type, 'content-length': String(payload.length) });
			res.end(payload);
		};
		const fail = (status: number, code: string, message: string) => answer(status, errorBody(code, message));
		try {
			const cdn = CDN_PATH.exec(entry.path);
			if (entry.method === 'GET' && cdn) {
				const file = this.files.get(cdn[1]);
				if (!file) return fail(404, 'not_found', 'file not found');
				return answer(200, file.bytes, file.mimeType);
			}
			if (entry.path !== FILES_PATH || entry.method !== 'POST') {
				return fail(404, 'no_api', `no api at ${entry.method} ${entry.path}`);
			}
			const fault = this.takeFault();
			if (fault?.kind === 'drop') {
				req.socket.destroy();
				return;
			}
			const body = await readLimited(req, MAX_UPLOAD_BYTES + 64 * 1024);
			entry.size = body?.length ?? 0;
			if (fault?.kind === 'delay') {
				await wait(fault.delayMs, { res });
				if (res.destroyed) return;
			}
			if (fault?.kind === 'redirect') {
				entry.status = 307;
				res.writeHead(307, { location: fault.location, 'content-length': '0' });
				res.end();
				return;
			}
			if (fault?.kind === 'status') {
				const code = fault.status === 401 ? 'invalid_token' : fault.status >= 500 ? 'api_error' : 'bad_request';
				return fail(fault.status, code, `injected ${fault.status}`);
			}
			const token = /^Bearer\s+(\S+)\s*$/i.exec(entry.headers.authorization ?? '')?.[1];
			if (token !== this.primaryToken) return fail(401, 'invalid_token', 'the token is invalid');
			if (!body) return fail(413, 'too_large', `the file is larger than ${MAX_UPLOAD_BYTES} bytes`);
			const part = parseSingleFilePart(entry.headers['content-type'] ?? '', body);
			if (typeof part === 'string') return fail(400, 'bad_request', part);
			if (part.bytes.length > MAX_UPLOAD_BYTES) {
				return fail(413, 'too_large', `the file is larger than ${MAX_UPLOAD_BYTES} bytes`);
			}
			const name = `${randomBytes(5).toString('hex')}.${extensionOf(part.fileName)}`;
			this.files.set(name, { bytes: part.bytes, mimeType: part.mimeType });
			const fileUrl = `${this.baseUrl}/cdn/${name}`;
			entry.upload = {
				fileName: part.fileName,
				mimeType: part.mimeType,
				size: part.bytes.length,
				sha256: createHash('sha256').update(part.bytes).digest('hex'),
				fileUrl,
			};
			if (fault?.kind === 'signed-url') return answer(200, { file_url: `${fileUrl}?signature=${encodeURIComponent(token)}` });
			if (fault && HOSTILE_ANSWER_KINDS.includes(fault.kind)) {
				entry.status = 200;
				const text = JSON.stringify({ file_url: fileUrl });
				return await serveHostileAnswer(res, fault.kind as HostileAnswerKind, 200, text, { 'content-type': 'application/json' });
			}
			return answer(200, { file_url: fileUrl });
		} catch (error) {
			if (!res.headersSent) fail(500, 'api_error', String(error));
			else res.destroy();
		}
	}

	private takeFault(): UploadFault | undefined {
		const head = this.faults[0];
		if (!head) return undefined;
		head.remaining -= 1;
		if (head.remaining === 0) this.faults.shift();
		return head.fault;
	}
}

/** The whole body, or undefined once it passes `limit` bytes (the rest is read and thrown away). */
async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of req) {
		size += (chunk as Buffer).length;
		if (size <= limit) chunks.push(chunk as Buffer);
	}
	return size <= limit ? Buffer.concat(chunks) : undefined;
}

interface FilePart {
	fileName: string;
	mimeType: string;
	bytes: Buffer;
}

/**
 * Reads a multipart/form-data body that must hold exactly one part, the field `file` with a file
 * name and some bytes ("one file per request"). Returns the reason as text when it does not.
 */
export function parseSingleFilePart(contentType: string, body: Buffer): FilePart | string {
	const boundary = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	if (!boundary) return 'the request must be multipart/form-data with a boundary';
	const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
	const parts: Buffer[] = [];
	let at = body.indexOf(delimiter);
	if (at !== 0) return 'the multipart body does not start with its boundary';
	for (;;) {
		const start = at + delimiter.length;
		if (body.subarray(start, start + 2).toString() === '--') break;
		if (body.subarray(start, start + 2).toString() !== '\r\n') return 'a multipart boundary is not followed by CRLF';
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), start);
		if (next < 0) return 'the multipart body has no closing boundary';
		parts.push(body.subarray(start + 2, next));
		at = next + 2;
	}
	if (parts.length !== 1) return `one file per request: the body holds ${parts.length} parts`;
	const split = parts[0].indexOf('\r\n\r\n');
	if (split < 0) return 'the multipart part has no header end';
	const headers = parts[0].subarray(0, split).toString('utf8');
	const disposition = /^content-disposition:\s*form-data;(.*)$/im.exec(headers)?.[1] ?? '';
	const field = /\bname="([^"]*)"/.exec(disposition)?.[1];
	const fileName = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
	if (field !== 'file') return `the file must be sent in the field 'file', not '${field ?? ''}'`;
	if (!fileName) return 'the file part has no file name';
	const bytes = parts[0].subarray(split + 4);
	if (bytes.length === 0) return 'the file is empty';
	const mimeType = /^content-type:\s*(\S+)\s*$/im.exec(headers)?.[1] ?? 'application/octet-stream';
	return { fileName, mimeType, bytes: Buffer.from(bytes) };
}

function extensionOf(fileName: string): string {
	const extension = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
	return extension ?? 'bin';
}
