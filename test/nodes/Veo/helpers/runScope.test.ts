import { binaryStoreFiles } from '../../../helpers/runNode';
import { finishedTaskAt, json, runVeo, useEmulator, useTransferTimes } from '../fixture';

/**
 * Once the node has decided to fail (On Error: Stop), it fails at once and cuts off every download
 * still under way: nothing of it keeps a connection open or writes to n8n's binary store after it
 * has ended. The other video's host trickles a byte a second, so a download left running would go
 * on writing.
 */
describe('Stop means stop: a node that fails ends its downloads with it', () => {
	const emulator = useEmulator();
	useTransferTimes({ downloadFloorMs: 3_000 });

	/** The first video's host trickles, the second video's address answers 404. */
	const trickleThenNotFound = (ids: Array<string | undefined> = [undefined, undefined]) => {
		emulator().inject({ path: 'download', kind: 'trickle', taskId: ids[0] });
		emulator().inject({ path: 'download', kind: 'status', status: 404, taskId: ids[1] });
	};

	/** The download that was still running when the node failed: its connection closed, and nothing was written after. */
	async function expectNothingLeftOf(nodeEndedAt: number): Promise<void> {
		const trickled = emulator().downloads().find((download) => download.fault === 'trickle');
		expect(trickled?.closedAt).toBeDefined();
		expect(trickled?.closedAt as number).toBeLessThan(nodeEndedAt + 1000);
		// A download left running would write its next byte within a second.
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect(binaryStoreFiles().filter((file) => file.writtenAt > nodeEndedAt)).toEqual([]);
	}

	it('poll mode: a 404 next to a trickling host fails the node at once (Max Wait 30 s), and the trickle is cut off', async () => {
		trickleThenNotFound();
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', downloadVideo: true, options: { pollInterval: 1, maxWait: 30 } },
			{ items: [{ prompt: 'one' }, { prompt: 'two' }] },
		);
		const endedAt = Date.now();

		expect(result.error?.message).toMatch(/^The video of task \S+ could not be downloaded: the video address answered "not found" \(HTTP 404\) \[item \d\]$/);
		expect(emulator().downloads()).toHaveLength(2);
		// The tasks finish at the first poll (~1 s); the node fails as soon as the 404 is in.
		expect(result.durationMs).toBeLessThan(3500);
		await expectNothingLeftOf(endedAt);
	}, 60_000);

	it('Get Task: a 404 next to a trickling host fails the node at once, and the trickle is cut off', async () => {
		const ids = [await finishedTaskAt(emulator(), 'one'), await finishedTaskAt(emulator(), 'two')];
		trickleThenNotFound(ids);
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: ids.join(','), downloadVideo: true });
		const endedAt = Date.now();

		expect(result.error?.message).toBe(`The video of task ${ids[1]} could not be downloaded: the video address answered "not found" (HTTP 404) [item 0]`);
		expect(result.durationMs).toBeLessThan(2000);
		await expectNothingLeftOf(endedAt);
	}, 60_000);

	it('Get Task: a task not found fails the node before any download starts', async () => {
		const taskId = await finishedTaskAt(emulator());
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: `${taskId}, no-such-task`, downloadVideo: true });

		expect(result.error?.message).toBe('Veo task no-such-task was not found [item 0]');
		expect(emulator().downloads()).toHaveLength(0);
	});

	it('with continue-on-fail the other downloads go on: the 404 is an error item, the trickle runs to its deadline', async () => {
		trickleThenNotFound();
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', downloadVideo: true, options: { pollInterval: 1, maxWait: 2 } },
			{ items: [{ prompt: 'one' }, { prompt: 'two' }], continueOnFail: true },
		);

		const errors = json(result.items).map((item) => String(item.error));
		expect(errors).toEqual(
			expect.arrayContaining([expect.stringMatching(/"not found" \(HTTP 404\)/), expect.stringMatching(/did not finish within 3 seconds/)]),
		);
		expect(result.durationMs).toBeGreaterThanOrEqual(3000);
	}, 30_000);
});
