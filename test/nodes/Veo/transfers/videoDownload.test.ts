import { NodeOperationError } from 'n8n-workflow';
import type { INodeParameters } from 'n8n-workflow';

import type { Fault } from '../../../emulator/types';
import { TOKEN, finishedTaskAt, json, runVeo, useEmulator } from '../fixture';

/**
 * Downloading a finished video (through Get Task, so that these tests do not depend on the submitting
 * engine). The video is already paid for: a broken download must never look like a failed task, must
 * say how to fetch the video again without submitting again, and must never hang.
 */
describe('downloading the video', () => {
	const emulator = useEmulator();

	const finishedTask = async (prompt?: string) => await finishedTaskAt(emulator(), prompt);

	const download = (taskIds: string): INodeParameters => ({ operation: 'getTask', taskIds, downloadVideo: true });

	describe('recovers from one passing failure by downloading again', () => {
		it.each<[string, Fault]>([
			['a download that breaks half-way', { path: 'download', kind: 'truncate' }],
			['a 500 from the video host', { path: 'download', kind: 'status', status: 500 }],
			['a 503 from the video host', { path: 'download', kind: 'status', status: 503 }],
			['a dropped connection', { path: 'download', kind: 'drop-before' }],
		])('%s', async (_case, fault) => {
			const taskId = await finishedTask();
			emulator().inject(fault);
			const result = await runVeo(emulator(), download(taskId));

			expect(result.error).toBeUndefined();
			expect(emulator().downloads()).toHaveLength(2);
			expect(emulator().downloads()[0].fault).toBe(fault.kind);
			const [item] = result.items;
			expect(item.json).toMatchObject({ taskId, state: 'succeeded' });
			expect((await result.readBinary(item)).equals(emulator().videoBytes(taskId))).toBe(true);
			expect(result.durationMs).toBeLessThan(3000);
		});
	});

	describe('fails only the item, naming the task and how to download again, when it keeps failing', () => {
		it.each<[string, Fault, number, RegExp]>([
			['it breaks half-way every time', { path: 'download', kind: 'truncate', count: 3 }, 3, /connection to the video host broke off before the whole video arrived \(tried 3 times\)/],
			['the host answers 500 every time', { path: 'download', kind: 'status', status: 500, count: 3 }, 3, /answered HTTP 500 \(tried 3 times\)/],
			['the host answers with an HTML page', { path: 'download', kind: 'raw', body: '<html><body>Access denied</body></html>' }, 1, /a web page or an error message instead of the video \[item 0\]$/],
			['the host answers with a JSON error and status 200', { path: 'download', kind: 'raw', body: '{"error":"expired"}', headers: { 'content-type': 'application/json' } }, 1, /a web page or an error message instead of the video/],
			['the host answers 404', { path: 'download', kind: 'status', status: 404 }, 1, /answered "not found" \(HTTP 404\) \[item 0\]$/],
		])('%s', async (_case, fault, tries, says) => {
			const taskId = await finishedTask();
			emulator().inject(fault);
			const result = await runVeo(emulator(), download(taskId));

			expect(result.error).toBeInstanceOf(NodeOperationError);
			const { message, description } = result.error as NodeOperationError;
			expect(message).toMatch(new RegExp(`^The video of task ${taskId} could not be downloaded: `));
			expect(message).toMatch(says);
			expect(description).toContain(`Run Get Task with Download Video on for task ${taskId} to try the download again; do not submit the prompt again`);
			// Tried as often as the failure deserves, and never more.
			expect(emulator().downloads()).toHaveLength(tries);
			expect(emulator().creates()).toHaveLength(1);
			expect(result.durationMs).toBeLessThan(4000);
		});
	});

	it('with On Error: Continue, the broken download becomes an error item carrying the task id, and the others download', async () => {
		const [broken, fine] = [await finishedTask('broken'), await finishedTask('fine')];
		emulator().inject({ path: 'download', kind: 'truncate', count: 3, taskId: broken });
		const result = await runVeo(emulator(), download('={{ $json.id }}'), { items: [{ id: broken }, { id: fine }], continueOnFail: true });

		expect(result.error).toBeUndefined();
		expect(json(result.items)).toEqual([
			{
				error: expect.stringMatching(new RegExp(`^The video of task ${broken} could not be downloaded: .*\\[item 0\\]$`)),
				details: expect.stringContaining(`Run Get Task with Download Video on for task ${broken}`),
				taskId: broken,
				state: 'succeeded',
			},
			expect.objectContaining({ taskId: fine, state: 'succeeded' }),
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect((await result.readBinary(result.items[1])).equals(emulator().videoBytes(fine))).toBe(true);
		expect(emulator().downloads()).toHaveLength(4);
	});

	it('stops at once when the execution is cancelled while waiting to download again', async () => {
		const taskId = await finishedTask();
		emulator().inject({ path: 'download', kind: 'status', status: 503, headers: { 'retry-after': '8' }, count: 3 });
		const result = await runVeo(emulator(), download(taskId), { cancelAfterMs: 300 });
		expect(result.cancelled).toBe(true);
		expect(result.durationMs).toBeLessThan(3000);
		expect(emulator().downloads()).toHaveLength(1);
	});

	it('stores a GIF task\'s file as a GIF: the type and extension the host sends, the bytes as served', async () => {
		const result = await runVeo(emulator(), {
			operation: 'textToVideo',
			prompt: 'A cat blinking, looped',
			downloadVideo: true,
			options: { resolution: 'gif', pollInterval: 1 },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const taskId = item.json.taskId as string;
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/gif', fileName: `${taskId}.gif`, fileExtension: 'gif' });
		const bytes = await result.readBinary(item);
		expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
		expect(bytes.equals(emulator().videoBytes(taskId))).toBe(true);
	});

	it('sends no Authorization header to the video host', async () => {
		const taskId = await finishedTask();
		emulator().inject({ path: 'download', kind: 'truncate' });
		await runVeo(emulator(), download(taskId));
		expect(emulator().downloads()).toHaveLength(2);
		for (const request of emulator().downloads()) {
			expect(request.headers.authorization).toBeUndefined();
			expect(JSON.stringify(request.headers)).not.toContain(TOKEN);
		}
	});
});

describe('a video address that redirects in a loop', () => {
	const emulator = useEmulator();

	it('says so, and is not followed again (one chain of hops, not three)', async () => {
		const taskId = await finishedTaskAt(emulator(), 'loop');
		emulator().inject({ path: 'download', kind: 'status', status: 302, headers: { location: emulator().videoUrl(taskId) }, count: 100 });

		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId, downloadVideo: true });

		expect(result.error?.message).toBe(`The video of task ${taskId} could not be downloaded: the video address redirected too many times [item 0]`);
		expect(emulator().downloads().length).toBeGreaterThan(1);
		expect(emulator().downloads().length).toBeLessThanOrEqual(22);
	});
});
