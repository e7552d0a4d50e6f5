import { NodeOperationError } from 'n8n-workflow';

import { finishedTaskAt, json, runVeo, useEmulator, useTransferTimes } from '../fixture';

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

	// The floor scaled down from 15 s: the bound is the same, in seconds of real time.
	const FLOOR_MS = 3_000;
	useTransferTimes({ downloadFloorMs: FLOOR_MS });

	it.each([
		['sends the headers and 1 KiB, then nothing', 'stall'],
		['sends one byte a second', 'trickle'],
	] as const)('a host that %s is cut off at the deadline, once, and fails only its item', async (_case, kind) => {
		emulator().inject({ path: 'download', kind });
		const result = await runVeo(emulator(), makeVideo(), { items: [{ prompt: 'a slow host' }], continueOnFail: true });

		const [item] = json(result.items);
		const taskId = emulator().creates()[0].taskId as string;
		expect(item).toMatchObject({
			error: `The video of task ${taskId} could not be downloaded: the video download did not finish within ${FLOOR_MS / 1000} seconds [item 0]`,
			taskId,
			state: 'succeeded',
		});
		expect(item.details).toContain(`Run Get Task with Download Video on for task ${taskId} to try the download again`);
		// A time-out is never tried again: it would only double the wait.
		expect(emulator().downloads()).toHaveLength(1);
		expect(result.durationMs).toBeGreaterThanOrEqual(FLOOR_MS - 1000);
		expect(result.durationMs).toBeLessThan(FLOOR_MS + 4000);
	}, 30_000);

	it('a host that never sends its headers is cut off at the deadline, and told as the time-out it is', async () => {
		emulator().inject({ path: 'download', kind: 'delay', delayMs: 20_000 });
		const result = await runVeo(emulator(), makeVideo(), { items: [{ prompt: 'no headers' }], continueOnFail: true });

		const taskId = emulator().creates()[0].taskId as string;
		expect(json(result.items)[0].error).toBe(
			`The video of task ${taskId} could not be downloaded: the video download did not finish within ${FLOOR_MS / 1000} seconds [item 0]`,
		);
		expect(emulator().downloads()).toHaveLength(1);
		expect(result.durationMs).toBeLessThan(FLOOR_MS + 4000);
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

	describe('deadlines do not add up: a node whose hosts all stall ends within its bound, whatever the number of items', () => {
		it('poll mode: each deadline is fixed when its task finishes, time queued for a download slot included', async () => {
			// 9 videos, 3 download slots, Max Wait 2 s, floor 3 s: every deadline is ~3 s after the tasks
			// finish. Each download timed from its own start would take 3 rounds of 3 s.
			emulator().inject({ path: 'download', kind: 'stall', count: 9 });
			const items = Array.from({ length: 9 }, (_, index) => ({ prompt: `stalled ${index}` }));
			const result = await runVeo(emulator(), { ...makeVideo(), options: { pollInterval: 1, maxWait: 2 } }, { items, continueOnFail: true });

			const errors = json(result.items).map((item) => item.error);
			expect(errors).toHaveLength(9);
			for (const error of errors) expect(error).toMatch(/could not be downloaded: the video download did not finish within 3 seconds \[item \d\]$/);
			// The bound: the tasks finish at the first poll (~1 s), then the floor; not 3 rounds of it.
			expect(result.durationMs).toBeLessThan(1000 + FLOOR_MS + 2500);
			// The 3 that got a slot were cut at the deadline; the 6 queued behind them had no time left to start.
			expect(emulator().downloads()).toHaveLength(3);
		}, 30_000);

		describe('Get Task: one deadline for all its downloads', () => {
			const DEADLINE_MS = 2_000;
			useTransferTimes({ downloadsDeadlineMs: DEADLINE_MS });

			it('7 stalled videos end together at the deadline (3 at a time, each timed alone, would be 3 rounds)', async () => {
				const ids: string[] = [];
				for (let index = 0; index < 7; index++) ids.push(await finishedTaskAt(emulator(), `stalled ${index}`));
				emulator().inject({ path: 'download', kind: 'stall', count: 7 });
				const result = await runVeo(emulator(), { operation: 'getTask', taskIds: ids.join(','), downloadVideo: true }, { continueOnFail: true });

				expect(json(result.items).map((item) => [item.taskId, item.error])).toEqual(
					ids.map((taskId) => [taskId, `The video of task ${taskId} could not be downloaded: the video download did not finish within 2 seconds [item 0]`]),
				);
				expect(result.durationMs).toBeGreaterThanOrEqual(DEADLINE_MS - 200);
				expect(result.durationMs).toBeLessThan(DEADLINE_MS + 2000);
			}, 30_000);
		});
	});

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
