import { PlatformFilesEmulator } from '../../../emulator/platformFiles';
import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { ANSWER_TIMES } from '../../../../nodes/Veo/transport/veoClient';
import { createTaskAt, json, PLATFORM_TOKEN, runVeo, useEmulator, useScaledTimes } from '../fixture';

const MiB = 1024 * 1024;
/** A 1x1 png. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200a2e3e0a40000000049454e44ae426082', 'hex');

/**
 * The service's own answers are bounded like a video download: each has a total deadline (from the
 * request to the last byte) and a size cap, enforced while it arrives. A 200 whose JSON never ends,
 * trickles or stalls is cut off; a cut query is a read (asked again while Max Wait lasts), a cut create
 * is a lost answer (its task is looked for, it is never sent again).
 */
describe("the service's answers are bounded in time and size while they arrive", () => {
	const emulator = useEmulator();

	/** Peak RSS growth of this process while `run` runs, sampled every 20 ms. */
	const peakGrowth = async <T>(run: () => Promise<T>): Promise<{ value: T; growth: number }> => {
		const before = process.memoryUsage().rss;
		let peak = before;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
		try {
			const value = await run();
			return { value, growth: Math.max(peak, process.memoryUsage().rss) - before };
		} finally {
			clearInterval(sampler);
		}
	};

	describe('a task query (Get Task)', () => {
		it('whose JSON never ends is cut at 1 MiB, asked again, and fails saying so; memory does not follow the stream', async () => {
			const taskId = await createTaskAt(emulator());
			emulator().inject({ path: '/veo/tasks', kind: 'endless', count: 3 });

			const started = Date.now();
			const { value: result, growth } = await peakGrowth(async () => await runVeo(emulator(), { operation: 'getTask', taskIds: taskId }));

			expect(result.error?.message).toMatch(/^Ace Data Cloud's answer was larger than 1\.0 MiB, far more than any answer of the service/);
			// A read: asked three times, each cut at the cap.
			expect(emulator().queries()).toHaveLength(3);
			expect(Date.now() - started).toBeLessThan(10_000);
			expect(growth).toBeLessThan(150 * MiB);
		});

		it('that trickles is cut at its 30 s deadline (not 30 s of silence), asked again, and the second answer is used (real time)', async () => {
			const taskId = await createTaskAt(emulator());
			emulator().inject({ path: '/veo/tasks', kind: 'trickle' });

			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });

			expect(result.error).toBeUndefined();
			expect(json(result.items)).toEqual([expect.objectContaining({ taskId })]);
			expect(emulator().queries()).toHaveLength(2);
			expect(result.durationMs).toBeGreaterThanOrEqual(29_000);
			expect(result.durationMs).toBeLessThan(36_000);
		}, 60_000);
	});

	describe('the queries of a waiting item', () => {
		it.each([
			['trickle one byte a second', 'trickle'],
			['never end', 'endless'],
		] as const)(
			'whose answers %s end with the item at its Max Wait (5 s), with its task id',
			async (_case, kind) => {
				emulator().neverFinish('a slow answer');
				emulator().inject({ path: '/veo/tasks', kind, count: 20 });

				const { value: result, growth } = await peakGrowth(
					async () =>
						await runVeo(emulator(), { operation: 'textToVideo', prompt: 'a slow answer', options: { pollInterval: 1, maxWait: 5 } }, { continueOnFail: true }),
				);

				const taskId = emulator().creates()[0].taskId as string;
				expect(json(result.items)).toEqual([expect.objectContaining({ taskId, error: expect.stringMatching(/did not finish within/) })]);
				expect(result.durationMs).toBeLessThan(9_000);
				expect(growth).toBeLessThan(150 * MiB);
			},
			30_000,
		);
	});

	describe("a callback's look (pause mode: no execution to cancel, n8n keeps the node's own deadline)", () => {
		const n8n = new WaitingWebhooks();
		beforeAll(async () => await n8n.start());
		afterAll(async () => await n8n.stop());

		it('whose query answer never ends is cut, asked again, and the execution resumes with the video', async () => {
			emulator().neverFinish('a paused video');
			const first = await runVeo(
				emulator(),
				{ operation: 'textToVideo', prompt: 'a paused video', waitMode: 'callback', downloadVideo: false, options: { maxWait: 120 } },
				{ waitingWebhooks: n8n },
			);
			expect(n8n.status(first.executionId)).toBe('waiting');
			const taskId = emulator().creates()[0].taskId as string;
			emulator().inject({ path: '/veo/tasks', kind: 'endless' });

			const { value: final, growth } = await peakGrowth(async () => {
				emulator().finishTask(taskId);
				return await n8n.finished(first.executionId);
			});

			expect(json(final.items)).toEqual([expect.objectContaining({ taskId, state: 'succeeded' })]);
			expect(emulator().pendingFaults()).toEqual([]);
			expect(emulator().queries().length).toBeGreaterThanOrEqual(2);
			expect(growth).toBeLessThan(150 * MiB);
		}, 30_000);
	});

	describe('a create', () => {
		// The create's 60 s deadline, scaled down to 3 s: the same cut, a twentieth of the wait.
		useScaledTimes(ANSWER_TIMES, { submitMs: 3_000 });

		it('whose answer never ends is a lost answer: not sent again, its task found and waited for', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'endless' });

			const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'an endless answer', options: { pollInterval: 1 } });

			expect(result.error).toBeUndefined();
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
			const taskId = emulator().creates()[0].taskId as string;
			expect(json(result.items)).toEqual([expect.objectContaining({ taskId, state: 'succeeded' })]);
		});

		it('whose answer trickles is cut at the create deadline (not after a silence), then looked for (the first look never ends, and is cut)', async () => {
			emulator().inject({ path: '/veo/videos', kind: 'trickle' });
			// The first look (a listing) never ends: cut at its size; the next look finds the task.
			emulator().inject({ path: '/veo/tasks', kind: 'endless' });

			const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'a trickling answer', options: { pollInterval: 1 } });

			expect(result.error).toBeUndefined();
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
			const taskId = emulator().creates()[0].taskId as string;
			expect(json(result.items)).toEqual([expect.objectContaining({ taskId, state: 'succeeded' })]);
			expect(emulator().queries().length).toBeGreaterThanOrEqual(2);
			expect(result.durationMs).toBeGreaterThanOrEqual(2_900);
			expect(result.durationMs).toBeLessThan(12_000);
		}, 30_000);
	});

	describe("the files endpoint's upload answer", () => {
		const platform = new PlatformFilesEmulator({ token: PLATFORM_TOKEN });
		beforeAll(async () => await platform.start());
		afterAll(async () => await platform.stop());
		beforeEach(() => platform.reset());

		it('that never ends is cut at 1 MiB: the item fails, nothing is created', async () => {
			platform.inject({ kind: 'endless' });

			const { value: result, growth } = await peakGrowth(
				async () =>
					await runVeo(
						emulator(),
						{ operation: 'imageToVideo', prompt: 'The flower opens', model: 'veo3', imageSource: 'binary', firstFrameBinaryField: 'data' },
						{
							continueOnFail: true,
							binaries: [{ data: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'frame.png' } }],
							platform: { token: PLATFORM_TOKEN, baseUrl: platform.baseUrl },
						},
					),
			);

			expect(json(result.items)).toEqual([
				expect.objectContaining({
					error: expect.stringMatching(/^The upload of the image in binary field 'data' to Ace Data Cloud failed: Ace Data Cloud's answer was larger than 1\.0 MiB/),
				}),
			]);
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(0);
			expect(result.durationMs).toBeLessThan(5_000);
			expect(growth).toBeLessThan(150 * MiB);
		});
	});
});
