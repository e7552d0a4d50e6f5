import { videoFileType } from '../../../../nodes/Veo/helpers/videoFileType';

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
