import { NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { PlatformFilesEmulator } from '../../../emulator/platformFiles';
import { createBodies, json, PLATFORM_TOKEN, runVeo, useEmulator } from '../fixture';
import type { RunVeoOptions } from '../fixture';

/** A 1x1 png. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200a2e3e0a40000000049454e44ae426082', 'hex');
const png = (): IBinaryData => ({ data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'frame.png' });
const FIRST_FROM_BINARY = { operation: 'imageToVideo', prompt: 'The flower opens', model: 'veo3', imageSource: 'binary', firstFrameBinaryField: 'data' };

/** What arrives is checked for what it claims to be, and carries no token on. */
describe('what arrives is what it claims to be', () => {
	const veo = useEmulator();
	const platform = new PlatformFilesEmulator({ token: PLATFORM_TOKEN });
	beforeAll(async () => await platform.start());
	afterAll(async () => await platform.stop());
	beforeEach(() => platform.reset());

	const makeVideo = { operation: 'textToVideo', prompt: 'a video', downloadVideo: true, options: { pollInterval: 1 } };
	const withImage = (parameters: IDataObject, options: RunVeoOptions = {}) =>
		runVeo(veo(), { options: { pollInterval: 1 }, ...parameters }, { platform: { token: PLATFORM_TOKEN, baseUrl: platform.baseUrl }, ...options });

	describe('a downloaded video must start like a video', () => {
		const PAGE = '<!DOCTYPE html><html><head><title>Access denied</title></head><body>Denied</body></html>';

		it.each([
			['application/octet-stream', 'application/octet-stream'],
			['video/mp4', 'video/mp4'],
			['no type', ''],
		])('an HTML page served with status 200 and %s fails the item, naming the task, and is not tried again', async (_case, type) => {
			veo().inject({ path: 'download', kind: 'raw', body: PAGE, headers: { 'content-type': type } });

			const result = await runVeo(veo(), makeVideo, { continueOnFail: true });

			const taskId = veo().creates()[0].taskId as string;
			const [item] = result.items;
			expect(item.json).toMatchObject({
				taskId,
				error: `The video of task ${taskId} could not be downloaded: the video address answered with a web page or an error message instead of the video [item 0]`,
			});
			expect(item.json.details).toMatch(/not_a_video: The video address answered with bytes that are not a video/);
			expect(item.binary).toBeUndefined();
			expect(veo().downloads()).toHaveLength(1);
		});
	});

	describe('an upload answer whose file_url carries the platform token', () => {
		it('fails the item before any create: the token reaches neither the output nor the Veo API', async () => {
			platform.inject({ kind: 'signed-url' });

			const result = await withImage(FIRST_FROM_BINARY, { binaries: [{ data: png() }], continueOnFail: true });

			// runVeo itself fails the test if either token is anywhere in the output, the error or the logs.
			expect(json(result.items)).toEqual([
				expect.objectContaining({
					error: expect.stringMatching(/^The upload of the image in binary field 'data' to Ace Data Cloud failed: .*file_url carries a token .*\?signature=\*\*\*/),
				}),
			]);
			expect(createBodies(veo())).toEqual([]);
			expect(JSON.stringify(veo().requests)).not.toContain(PLATFORM_TOKEN);
		});
	});

	describe('binary field names that every JavaScript object has', () => {
		it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
			"'%s' is a missing binary property, not a TypeError",
			async (name) => {
				const result = await withImage({ ...FIRST_FROM_BINARY, firstFrameBinaryField: name }, { binaries: [{ data: png() }] });

				expect(result.error).toBeInstanceOf(NodeOperationError);
				expect(result.error?.message).toBe(`The input item has no binary property '${name}' [item 0]`);
				expect(platform.uploadAttempts()).toHaveLength(0);
				expect(veo().requests).toHaveLength(0);
			},
		);
	});

	describe('a video host that never sends its headers', () => {
		it('is reported as the time-out it is, not as a broken connection, at the 15 s floor (real time)', async () => {
			veo().inject({ path: 'download', kind: 'delay', delayMs: 60_000 });

			const result = await runVeo(veo(), { ...makeVideo, options: { pollInterval: 1, maxWait: 3 } }, { continueOnFail: true });

			const taskId = veo().creates()[0].taskId as string;
			expect(json(result.items)).toEqual([
				expect.objectContaining({
					taskId,
					error: `The video of task ${taskId} could not be downloaded: the video download did not finish within 15 seconds [item 0]`,
				}),
			]);
			// A time-out is not tried again.
			expect(veo().downloads()).toHaveLength(1);
			expect(result.durationMs).toBeLessThan(20_000);
		}, 40_000);
	});
});
