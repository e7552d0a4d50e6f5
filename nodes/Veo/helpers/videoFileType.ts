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
