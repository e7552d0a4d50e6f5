/**
 * Deterministic fake mp4 files. Any byte range can be computed on its own, so the server streams
 * videos of any size chunk by chunk and tests can still compare exact bytes.
 *
 * Layout: a 32-byte `ftyp` box (`....ftypisom....`), an 8-byte `mdat` box header covering the
 * rest, then a payload that repeats a pattern derived from the task id.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Reply } from './http';

const FTYP = Buffer.concat([
	u32(32),
	Buffer.from('ftypisom', 'latin1'),
	u32(0x200),
	Buffer.from('isomiso2avc1mp41', 'latin1'),
]);
const HEADER_SIZE = FTYP.length + 8;
// A prime length, so the repeats never line up with power-of-two chunk sizes: a client that loses
// or repeats a chunk ends up with different bytes, not just the same bytes in another place.
const PATTERN_SIZE = 65521;
const CHUNK_SIZE = 64 * 1024;
const PATTERN_CACHE_LIMIT = 32;

const patterns = new Map<string, Buffer>();

function u32(value: number): Buffer {
	const buf = Buffer.alloc(4);
	buf.writeUInt32BE(value);
	return buf;
}

function headerFor(size: number): Buffer {
	// Past 4 GiB the mdat size would need the 64-bit form; fake videos never get that big.
	return Buffer.concat([FTYP, u32(Math.min(Math.max(size - FTYP.length, 0), 0xffffffff)), Buffer.from('mdat', 'latin1')]);
}

function patternFor(taskId: string): Buffer {
	let pattern = patterns.get(taskId);
	if (pattern) return pattern;
	pattern = Buffer.allocUnsafe(PATTERN_SIZE);
	for (let block = 0, offset = 0; offset < PATTERN_SIZE; block++, offset += 32) {
		createHash('sha256').update(`${taskId}:${block}`).digest().copy(pattern, offset);
	}
	if (patterns.size >= PATTERN_CACHE_LIMIT) patterns.delete(patterns.keys().next().value as string);
	patterns.set(taskId, pattern);
	return pattern;
}

/** Bytes [start, end) of the video of `taskId` when it is `size` bytes long. */
export function videoSlice(taskId: string, size: number, start = 0, end = size): Buffer {
	const from = Math.max(0, Math.min(start, size));
	const to = Math.max(from, Math.min(end, size));
	const out = Buffer.allocUnsafe(to - from);
	let pos = from;
	if (pos < HEADER_SIZE) {
		const header = headerFor(size);
		const n = Math.min(HEADER_SIZE, to) - pos;
		header.copy(out, 0, pos, pos + n);
		pos += n;
	}
	const pattern = patternFor(taskId);
	while (pos < to) {
		const at = (pos - HEADER_SIZE) % PATTERN_SIZE;
		const n = Math.min(to - pos, PATTERN_SIZE - at);
		pattern.copy(out, pos - from, at, at + n);
		pos += n;
	}
	return out;
}

function waitForDrain(res: ServerResponse): Promise<void> {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

/** Resolves when the chunk has reached the socket, so that a truncating caller cuts after it. */
function writeLast(res: ServerResponse, chunk: Buffer): Promise<boolean> {
	return new Promise((resolve) => {
		const gone = () => resolve(false);
		res.once('close', gone);
		res.write(chunk, (error) => {
			res.off('close', gone);
			resolve(!error);
		});
	});
}

/**
 * Writes bytes [start, end) chunk by chunk, honouring back-pressure, so memory stays flat
 * whatever the size. Resolves once the last chunk reached the socket; false if the client left.
 */
export async function streamVideo(
	res: ServerResponse,
	taskId: string,
	size: number,
	start: number,
	end: number,
): Promise<boolean> {
	for (let pos = start; pos < end; pos += CHUNK_SIZE) {
		if (res.destroyed) return false;
		const chunk = videoSlice(taskId, size, pos, Math.min(pos + CHUNK_SIZE, end));
		const last = pos + CHUNK_SIZE >= end;
		if (last) return writeLast(res, chunk);
		if (!res.write(chunk)) await waitForDrain(res);
	}
	return !res.destroyed;
}

export interface ByteRange {
	start: number;
	end: number;
}

/**
 * Reads a single `bytes=` range, so that resuming downloaders work. undefined: no usable Range
 * header (serve everything); null: a range that cannot be satisfied (416).
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | undefined {
	const match = header?.match(/^bytes=(\d*)-(\d*)$/);
	if (!match || (match[1] === '' && match[2] === '')) return undefined;
	if (match[1] === '') {
		const suffix = Number(match[2]);
		return suffix === 0 ? null : { start: Math.max(0, size - suffix), end: size };
	}
	const start = Number(match[1]);
	const end = match[2] === '' ? size : Math.min(Number(match[2]) + 1, size);
	return start >= size || end <= start ? null : { start, end };
}

/** Answers a download of a finished video: whole, one range, HEAD, or cut halfway ('truncate' fault). */
export async function serveVideoFile(reply: Reply, taskId: string, size: number, truncate: boolean): Promise<void> {
	const { entry, res } = reply;
	const range = truncate ? undefined : parseRange(entry.headers.range, size);
	if (range === null) return reply.send(416, '', { 'content-range': `bytes */${size}` });
	const { start, end } = range ?? { start: 0, end: size };
	const headers: Record<string, string> = {
		'content-type': 'video/mp4',
		'content-length': String(end - start),
		'accept-ranges': 'bytes',
	};
	if (range) headers['content-range'] = `bytes ${start}-${end - 1}/${size}`;
	reply.head(range ? 206 : 200, headers);
	if (entry.method === 'HEAD') return void res.end();
	if (truncate) {
		// Full content-length, half the bytes, then a cut: what a dropped CDN connection looks like.
		await streamVideo(res, taskId, size, 0, Math.floor(size / 2));
		return reply.drop();
	}
	if (await streamVideo(res, taskId, size, start, end)) res.end();
}
