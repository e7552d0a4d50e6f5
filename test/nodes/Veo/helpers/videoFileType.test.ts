import { looksLikeVideo, videoFileType, VideoHead } from '../../../../nodes/Veo/helpers/videoFileType';

/** What a downloaded video is stored as. */
describe('videoFileType', () => {
	it('takes the type the video host sends, with its extension', () => {
		expect(videoFileType('video/mp4')).toEqual({ mimeType: 'video/mp4', extension: 'mp4' });
		expect(videoFileType('image/gif')).toEqual({ mimeType: 'image/gif', extension: 'gif' });
		expect(videoFileType('Video/WebM; codecs="vp9"')).toEqual({ mimeType: 'video/webm', extension: 'webm' });
		expect(videoFileType('video/quicktime', 'gif')).toEqual({ mimeType: 'video/quicktime', extension: 'mov' });
	});

	it("falls back on the task's resolution when the host names no type n8n can show", () => {
		expect(videoFileType('', 'gif')).toEqual({ mimeType: 'image/gif', extension: 'gif' });
		expect(videoFileType('application/octet-stream', 'gif')).toEqual({ mimeType: 'image/gif', extension: 'gif' });
		expect(videoFileType('application/octet-stream', '1080p')).toEqual({ mimeType: 'video/mp4', extension: 'mp4' });
		expect(videoFileType('binary/octet-stream')).toEqual({ mimeType: 'video/mp4', extension: 'mp4' });
	});
});

describe('looksLikeVideo: what the first bytes say', () => {
	const box = (type: string) => Buffer.concat([Buffer.from([0, 0, 0, 32]), Buffer.from(`${type}isom`, 'latin1')]);

	it.each([
		['an mp4 (ftyp)', box('ftyp')],
		['a QuickTime mov that opens with its moov box', box('moov')],
		['a WebM file', Buffer.from('1a45dfa3a3428681010000000000', 'hex')],
		['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00', 'latin1')],
	])('%s is a video', (_case, head) => {
		expect(looksLikeVideo(head)).toBe(true);
	});

	it.each([
		['an HTML page', Buffer.from('<!DOCTYPE html><html>', 'latin1')],
		['a JSON error', Buffer.from('{"error":"expired"}', 'latin1')],
		['zeros', Buffer.alloc(12)],
	])('%s is not', (_case, head) => {
		expect(looksLikeVideo(head)).toBe(false);
	});

	it('VideoHead decides once 12 bytes have passed, however they are cut into chunks', () => {
		const page = new VideoHead();
		expect(page.add(Buffer.from('<!DOC'))).toBe(true);
		expect(page.add(Buffer.from('TYPE html>'))).toBe(false);
		const video = new VideoHead();
		expect(video.add(box('ftyp').subarray(0, 5))).toBe(true);
		expect(video.add(box('ftyp').subarray(5))).toBe(true);
		expect(video.isVideo()).toBe(true);
		const tiny = new VideoHead();
		tiny.add(Buffer.from('ok'));
		expect(tiny.isVideo()).toBe(false);
	});
});
