import { NodeOperationError } from 'n8n-workflow';

import { DOWNLOAD_FLOOR_MS, downloadTimeMs, DOWNLOAD_DEADLINE_MS } from '../../../../nodes/Veo/actions/videoDownload';
import { json, runVeo, useEmulator } from '../fixture';

/**
 * A video host can be broken or hostile: it may stall after the headers, trickle, stream without end
 * or send a compression bomb. Every download has a deadline for the whole of it and a size cap, is
 * never tried again after either, and fails only its own item, naming the task and how to download
 * it again.
 */
describe('downloads are bounded in time and size', () => {
	const emulator = useEmulator();

	/** Poll mode with a short Max Wait: what is left of it is less than the floor. */
	const makeVideo = (options: Record<string, unknown> = {}) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		downloadVideo: true,
		...options,
		options: { pollInterval: 1, maxWait: 3 },
	});

	describe('how long a download may take in all', () => {
		it('is what is left of Max Wait, but never less than the floor', () => {
			expect(downloadTimeMs(600_000)).toBe(600_000);
			expect(downloadTimeMs(2_000)).toBe(DOWNLOAD_FLOOR_MS);
			expect(downloadTimeMs(-5_000)).toBe(DOWNLOAD_FLOOR_MS);
		});

		it('is a fixed deadline where no Max Wait applies (Get Task)', () => {
			expect(downloadTimeMs(undefined)).toBe(DOWNLOAD_DEADLINE_MS);
		});
	});

	it.each([
		['sends the headers and 1 KiB, then nothing', 'stall'],
		['sends one byte a second', 'trickle'],
	] as const)('a host that %s is cut off at the deadline, once, and fails only its item', async (_case, kind) => {
		emulator().inject({ path: 'download', kind });
		const result = await runVeo(emulator(), makeVideo(), { items: [{ prompt: 'a slow host' }], continueOnFail: true });

		const [item] = json(result.items);
		const taskId = emulator().creates()[0].taskId as string;
		expect(item).toMatchObject({
			error: `The video of task ${taskId} could not be downloaded: the video download did not finish within ${DOWNLOAD_FLOOR_MS / 1000} seconds [item 0]`,
			taskId,
			state: 'succeeded',
		});
		expect(item.details).toContain(`Run Get Task with Download Video on for task ${taskId} to try the download again`);
		// A time-out is never tried again: it would only double the wait.
		expect(emulator().downloads()).toHaveLength(1);
		expect(result.durationMs).toBeGreaterThanOrEqual(DOWNLOAD_FLOOR_MS - 1000);
		expect(result.durationMs).toBeLessThan(DOWNLOAD_FLOOR_MS + 4000);
	}, 30_000);

	it('a host that streams without end is cut off at Max Video Size', async () => {
		emulator().inject({ path: 'download', kind: 'endless' });
		const result = await runVeo(emulator(), makeVideo({ maxVideoSize: 2 }), { items: [{ prompt: 'endless' }] });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		const taskId = emulator().creates()[0].taskId as string;
		expect(result.error?.message).toBe(
			`The video of task ${taskId} could not be downloaded: the video is larger than Max Video Size (2 MB) [item 0]`,
		);
		expect(emulator().downloads()).toHaveLength(1);
		expect(result.durationMs).toBeLessThan(5000);
	}, 30_000);

	it('asks for the video uncompressed, and a host that sends a gzip bomb anyway is cut off at Max Video Size', async () => {
		emulator().inject({ path: 'download', kind: 'gzip-bomb', size: 50 * 1024 * 1024 });
		const result = await runVeo(emulator(), makeVideo({ maxVideoSize: 1 }), { items: [{ prompt: 'bomb' }] });

		expect(result.error?.message).toMatch(/could not be downloaded: the video is larger than Max Video Size \(1 MB\) \[item 0\]$/);
		expect(emulator().downloads()).toHaveLength(1);
		expect(emulator().downloads()[0].headers['accept-encoding']).toBe('identity');
	}, 30_000);

	it('a video announced larger than Max Video Size is refused before it is read', async () => {
		// The emulator's videos are 96 KiB; 0.05 MB is 50 kB.
		const result = await runVeo(emulator(), makeVideo({ maxVideoSize: 0.05 }), { items: [{ prompt: 'big' }] });
		expect(result.error?.message).toMatch(/the video is larger than Max Video Size \(0.05 MB\) \[item 0\]$/);
		expect(emulator().downloads()).toHaveLength(1);
	});

	it('one stalled host does not hold up the other downloads: they run side by side', async () => {
		emulator().inject({ path: 'download', kind: 'stall' });
		const result = await runVeo(emulator(), makeVideo(), {
			items: [{ prompt: 'one' }, { prompt: 'two' }, { prompt: 'three' }],
			continueOnFail: true,
		});

		const downloads = emulator().downloads();
		expect(downloads).toHaveLength(3);
		// All three were asked for long before the stalled one gave up.
		expect(Math.max(...downloads.map((d) => d.at)) - Math.min(...downloads.map((d) => d.at))).toBeLessThan(3000);
		const stalled = emulator().creates().find((create) => create.taskId && downloads[0].path.includes(create.taskId))?.taskId;
		const items = json(result.items);
		expect(items.filter((item) => item.error)).toEqual([expect.objectContaining({ taskId: stalled })]);
		expect(result.items.filter((item) => item.binary?.data)).toHaveLength(2);
	}, 30_000);

	describe('Max Video Size', () => {
		it('must be a positive number; a wrong one fails its item before anything is paid for', async () => {
			const result = await runVeo(emulator(), makeVideo({ maxVideoSize: -3 }), { items: [{ prompt: 'p' }] });
			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toBe("'-3' in 'Max Video Size (MB)' is not a positive number [item 0]");
			expect(emulator().creates()).toHaveLength(0);
		});

		it('is not read while Download Video is off (a hidden option changes nothing)', async () => {
			const result = await runVeo(emulator(), { ...makeVideo({ maxVideoSize: -3 }), downloadVideo: false }, { items: [{ prompt: 'p' }] });
			expect(result.error).toBeUndefined();
			expect(emulator().downloads()).toHaveLength(0);
		});
	});
});
