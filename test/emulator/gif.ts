/**
 * Deterministic GIF files for tasks made with `resolution: 'gif'`: a real GIF89a (a 1×1 image any
 * decoder opens) padded to the configured size with comment blocks that carry a pattern derived from
 * the task id, so that tests can compare exact bytes and tell one task's file from another's.
 */
import { createHash } from 'node:crypto';

const HEADER = Buffer.from([
	...Buffer.from('GIF89a', 'latin1'),
	// Logical screen 1×1, a global colour table of 2 colours, background 0, square pixels.
	0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00,
	// The two colours: black, white.
	0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
]);
/** One 1×1 image (LZW minimum code size 2: clear, pixel 0, end) and the trailer. */
const IMAGE_AND_TRAILER = Buffer.from([0x2c, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b]);
/** A comment extension: 0x21 0xFE, then sub-blocks of at most 255 bytes, then a 0 block. */
const COMMENT_START = Buffer.from([0x21, 0xfe]);
const SMALLEST = HEADER.length + IMAGE_AND_TRAILER.length;

const cache = new Map<string, Buffer>();

/** The GIF served for `taskId`: `size` bytes (at least the smallest valid GIF). */
export function gifBytes(taskId: string, size: number): Buffer {
	const key = `${taskId}:${size}`;
	const cached = cache.get(key);
	if (cached) return cached;
	const parts: Buffer[] = [HEADER];
	let room = size - SMALLEST;
	// Each comment extension costs 3 bytes beyond its sub-blocks' data (start and terminator), each sub-block 1.
	if (room >= 4) {
		parts.push(COMMENT_START);
		room -= 3;
		for (let block = 0; room > 1; block++) {
			const length = Math.min(255, room - 1);
			const data = Buffer.alloc(length);
			for (let offset = 0; offset < length; offset += 32) {
				createHash('sha256').update(`${taskId}:${block}:${offset}`).digest().copy(data, offset);
			}
			parts.push(Buffer.from([length]), data);
			room -= length + 1;
		}
		parts.push(Buffer.from([0x00]));
	}
	parts.push(IMAGE_AND_TRAILER);
	const bytes = Buffer.concat(parts);
	if (cache.size > 32) cache.delete(cache.keys().next().value as string);
	cache.set(key, bytes);
	return bytes;
}
