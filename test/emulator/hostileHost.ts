/**
 * Video hosts that misbehave on purpose: the download faults a client must survive without hanging,
 * filling the disk or unpacking a bomb. Each one stops as soon as the client leaves.
 */
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
function wait(ms: number, reply: Reply): Promise<void> {
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

function write(reply: Reply, chunk: Buffer): Promise<void> {
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

/** A gzip body of `size` zero bytes: a few hundred KB on the wire, cached per size. */
export function gzipBomb(size: number): Buffer {
	let bomb = bombs.get(size);
	if (!bomb) {
		bomb = gzipSync(Buffer.alloc(size), { level: 9 });
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
			for (let at = 0; at < bytes.length && !gone(); at++) {
				await write(reply, bytes.subarray(at, at + 1));
				await wait(1000, reply);
			}
			if (!gone()) res.end();
			return;
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
