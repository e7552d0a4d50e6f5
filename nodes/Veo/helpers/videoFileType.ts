/** What a downloaded video is stored as: its MIME type and the file name's extension. */
export interface VideoFileType {
	mimeType: string;
	extension: string;
}

const EXTENSIONS: Record<string, string> = {
	'video/mp4': 'mp4',
	'image/gif': 'gif',
	'video/webm': 'webm',
	'video/quicktime': 'mov',
};

/**
 * The type the video host says it sent (a GIF task's file is a GIF, not an mp4); when it names no
 * type n8n can show (none, or a generic one such as application/octet-stream), the type the task's
 * resolution makes.
 */
export function videoFileType(contentType: string, resolution?: unknown): VideoFileType {
	const mimeType = contentType.split(';')[0].trim().toLowerCase();
	const extension = EXTENSIONS[mimeType];
	if (extension) return { mimeType, extension };
	return resolution === 'gif' ? { mimeType: 'image/gif', extension: 'gif' } : { mimeType: 'video/mp4', extension: 'mp4' };
}

/** How many first bytes `looksLikeVideo` needs to decide. */
export const VIDEO_HEAD_BYTES = 12;

/** The first box types of an ISO media file (mp4, and QuickTime's mov, which may open without `ftyp`). */
const ISO_MEDIA_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);

/**
 * Whether a file's first bytes are those of a video the service makes: an ISO media file (mp4, mov:
 * a box type at byte 4), WebM/Matroska (1A 45 DF A3) or a GIF. A host may serve an error page with
 * status 200 and a video's (or no) type: its bytes say what it is.
 */
export function looksLikeVideo(head: Uint8Array): boolean {
	const bytes = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
	if (ISO_MEDIA_BOXES.has(bytes.subarray(4, 8).toString('latin1'))) return true;
	if (bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3]))) return true;
	return bytes.subarray(0, 4).toString('latin1') === 'GIF8';
}

/**
 * Keeps the first bytes of a download as they stream past, to check them (looksLikeVideo) as soon as
 * there are enough, without holding anything else back.
 */
export class VideoHead {
	private head = Buffer.alloc(0);

	/** Takes the next chunk; false once the first bytes are known not to be a video. */
	add(chunk: Buffer): boolean {
		if (this.head.length >= VIDEO_HEAD_BYTES) return true;
		this.head = Buffer.concat([this.head, chunk.subarray(0, VIDEO_HEAD_BYTES - this.head.length)]);
		return this.head.length < VIDEO_HEAD_BYTES || looksLikeVideo(this.head);
	}

	/** For the whole file, once it has arrived: a file too short to have a video's first bytes is none. */
	isVideo(): boolean {
		return this.head.length >= VIDEO_HEAD_BYTES && looksLikeVideo(this.head);
	}
}
