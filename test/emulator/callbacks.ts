import http from 'node:http';
import https from 'node:https';

export interface PostResult {
	status?: number;
	/** The receiver's answer as text, cut at RESPONSE_BODY_LIMIT bytes. */
	responseBody?: string;
	error?: string;
}

const CALLBACK_TIMEOUT_MS = 10_000;
const RESPONSE_BODY_LIMIT = 4096;

/**
 * POSTs JSON the way the service delivers callbacks: once, no signature, no retry. Never rejects,
 * because the service ignores whatever happens to the receiver.
 */
export function postJson(url: string, body: unknown, signal: AbortSignal): Promise<PostResult> {
	return new Promise((resolve) => {
		const payload = Buffer.from(JSON.stringify(body), 'utf8');
		const client = url.startsWith('https:') ? https : http;
		// No keep-alive agent: a pooled socket would outlive the emulator and keep jest waiting.
		const req = client.request(url, {
			method: 'POST',
			agent: false,
			signal,
			timeout: CALLBACK_TIMEOUT_MS,
			headers: { 'content-type': 'application/json', 'content-length': String(payload.length) },
		});
		req.on('response', (res) => {
			const chunks: Buffer[] = [];
			let size = 0;
			res.on('data', (chunk: Buffer) => {
				if (size < RESPONSE_BODY_LIMIT) chunks.push(chunk);
				size += chunk.length;
			});
			const answer = () => Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
			res.on('end', () => resolve({ status: res.statusCode, responseBody: answer() }));
			res.on('error', () => resolve({ status: res.statusCode, responseBody: answer() }));
		});
		req.on('timeout', () => req.destroy(new Error('callback timed out')));
		req.on('error', (error) => resolve({ error: error.message }));
		req.end(payload);
	});
}
