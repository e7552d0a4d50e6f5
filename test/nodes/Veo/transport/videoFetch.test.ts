import { json, runVeo, useEmulator } from '../fixture';

/** A video is fetched from its host (no credentials) within its deadline, and must be what it claims to be. */
describe('the video fetch', () => {
	const veo = useEmulator();

	const makeVideo = { operation: 'textToVideo', prompt: 'a video', downloadVideo: true, options: { pollInterval: 1 } };

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
