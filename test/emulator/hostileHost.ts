/**
 * Video hosts that misbehave on purpose: the download faults a client must survive without hanging,
 * filling the disk or unpacking a bomb. Each one stops as soon as the client leaves. And the same
 * faults in an API's own answer (`serveHostileAnswer`): a 200 whose JSON stalls, trickles or never ends.
 */
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Reply } from './http';
import type { Fault } from './types';
import { videoSlice } from './video';

export type HostileKind = 'stall' | 'trickle' | 'endless' | 'gzip-bomb';

export const HOSTILE_KINDS: readonly string[] = ['stall', 'trickle', 'endless', 'gzip-bomb'];

const CHUNK = 64 * 1024;
const DEFAULT_BOMB_SIZE = 200 * 1024 * 1024;
const bombs = new Map<number, Buffer>();

/** Real-time pause that ends early when the client has gone. */
export function wait(ms: number, reply: { res: ServerResponse }): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			reply.res.off('close', done);
			resolve();
		}
		reply.res.once('close', done);
	});
}

function write(reply: { res: ServerResponse }, chunk: Buffer): Promise<void> {
	if (reply.res.write(chunk)) return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			reply.res.off('drain', done);
			reply.res.off('close', done);
			resolve();
		};
		reply.res.once('drain', done);
		reply.res.once('close', done);
	});
}

/** Sends `bytes` one a second, then ends the answer (unless the client left). */
async function trickle(reply: { res: ServerResponse }, bytes: Buffer): Promise<void> {
	const gone = () => reply.res.destroyed || reply.res.writableEnded;
	for (let at = 0; at < bytes.length && !gone(); at++) {
		await write(reply, bytes.subarray(at, at + 1));
		await wait(1000, reply);
	}
	if (!gone()) reply.res.end();
}

/** The first bytes of an mp4 (a client that checks them sees a video), then zeros. */
const BOMB_HEAD = videoSlice('gzip-bomb', Number.MAX_SAFE_INTEGER, 0, 40);

/** A gzip body of an mp4 head and zeros, `size` bytes in all: a few hundred KB on the wire, cached per size. */
export function gzipBomb(size: number): Buffer {
	let bomb = bombs.get(size);
	if (!bomb) {
		const body = Buffer.alloc(size);
		BOMB_HEAD.copy(body);
		bomb = gzipSync(body, { level: 9 });
		bombs.set(size, bomb);
	}
	return bomb;
}

export async function serveHostile(reply: Reply, kind: HostileKind, fault: Fault, taskId: string, videoSize: number): Promise<void> {
	const { res } = reply;
	const gone = () => res.destroyed || res.writableEnded;
	switch (kind) {
		case 'stall':
			reply.head(200, { 'content-type': 'video/mp4', 'content-length': String(videoSize) });
			await write(reply, videoSlice(taskId, videoSize, 0, 1024));
			// Nothing more, until the client gives up (or the emulator stops).
			while (!gone()) await wait(1000, reply);
			return;
		case 'trickle': {
			reply.head(200, { 'content-type': 'video/mp4', 'content-length': String(videoSize) });
			const bytes = videoSlice(taskId, videoSize, 0, videoSize);
			return await trickle(reply, bytes);
		}
		case 'endless': {
			reply.head(200, { 'content-type': 'video/mp4' });
			for (let at = 0; !gone(); at += CHUNK) await write(reply, videoSlice(taskId, Number.MAX_SAFE_INTEGER, at, at + CHUNK));
			return;
		}
		case 'gzip-bomb': {
			const bomb = gzipBomb(fault.size ?? DEFAULT_BOMB_SIZE);
			reply.head(200, { 'content-type': 'video/mp4', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
			res.end(bomb);
			return;
		}
	}
}

/** The API answers a client must survive: 'stall', 'trickle' and 'endless' (see FaultKind). */
export type HostileAnswerKind = 'stall' | 'trickle' | 'endless';

export const HOSTILE_ANSWER_KINDS: readonly string[] = ['stall', 'trickle', 'endless'];

/**
 * Sends the answer `text` (a JSON text) with `status` the hostile way: 'stall' sends its first half
 * and then nothing; 'trickle' sends it one byte a second; 'endless' sends it without its last
 * character and then spaces for ever, a JSON text that never ends.
 */
export async function serveHostileAnswer(
	res: ServerResponse,
	kind: HostileAnswerKind,
	status: number,
	text: string,
	headers: Record<string, string>,
): Promise<void> {
	const reply = { res };
	const gone = () => res.destroyed || res.writableEnded;
	const bytes = Buffer.from(text, 'utf8');
	const head = { ...headers };
	delete head['content-length'];
	switch (kind) {
		case 'stall':
			res.writeHead(status, head);
			await write(reply, bytes.subarray(0, Math.floor(bytes.length / 2)));
			while (!gone()) await wait(1000, reply);
			return;
		case 'trickle':
			res.writeHead(status, { ...head, 'content-length': String(bytes.length) });
			return await trickle(reply, bytes);
		case 'endless': {
			res.writeHead(status, head);
			await write(reply, bytes.subarray(0, Math.max(0, bytes.length - 1)));
			const spaces = Buffer.alloc(CHUNK, ' ');
			while (!gone()) await write(reply, spaces);
			return;
		}
	}
}
