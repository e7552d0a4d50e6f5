import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { json, runVeo, useEmulator } from '../fixture';

/**
 * "On Error: Continue (using error output)": n8n's engine sorts the node's items onto two outputs,
 * successes on the first, failures on the second, in poll mode and after a pause alike.
 */
describe('On Error: Continue (using error output)', () => {
	const emulator = useEmulator();
	const REJECTED = { code: 'CONTENT_REJECTED', message: 'The prompt was rejected' };
	const items = [{ prompt: 'fine one' }, { prompt: 'rejected one' }, { prompt: 'fine two' }];

	/** What a failed item on the error output holds for a task that failed at the service. */
	const failedTask = (taskId: string) => ({
		message: `Veo task ${taskId} failed: The prompt was rejected (CONTENT_REJECTED) [item 1]`,
		error: expect.objectContaining({ taskId, state: 'failed', code: 'CONTENT_REJECTED', serviceMessage: 'The prompt was rejected' }),
	});

	const expectSplit = (outputs: INodeExecutionData[][], taskIds: string[]) => {
		expect(outputs).toHaveLength(2);
		const [successes, failures] = outputs;
		expect(json(successes).map((item) => [item.taskId, item.state])).toEqual([
			[taskIds[0], 'succeeded'],
			[taskIds[2], 'succeeded'],
		]);
		expect(successes.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(failures).toHaveLength(1);
		// (Behind a node that made the input, n8n also copies the input item's fields in: see the e2e suite.)
		expect(failures[0].json).toEqual(failedTask(taskIds[1]));
		expect(failures[0].pairedItem).toEqual({ item: 1 });
	};

	const creating: Array<[string, INodeParameters]> = [
		['Text to Video', { operation: 'textToVideo', prompt: '={{ $json.prompt }}' }],
		['Image to Video', { operation: 'imageToVideo', prompt: '={{ $json.prompt }}', firstFrameUrl: 'https://example.com/first.png' }],
		['Ingredients to Video', { operation: 'ingredientsToVideo', prompt: '={{ $json.prompt }}', imageUrls: 'https://example.com/a.png' }],
	];

	describe.each(creating)('%s, polling', (_name, operation) => {
		it('sends failed tasks to the error output and the videos to the regular one', async () => {
			emulator().failTask('rejected', REJECTED);
			const result = await runVeo(emulator(), { ...operation, options: { pollInterval: 1 } }, { items, onError: 'continueErrorOutput' });
			expect(result.status).toBe('success');
			expectSplit(result.outputs, emulator().listTasks().map((task) => task.id));
		});
	});

	it('Get 1080p: a failed 1080p task goes to the error output', async () => {
		const made = await runVeo(emulator(), { operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 1 } }, { items });
		const videoIds = made.items.map((item) => item.json.videoId as string);
		emulator().failTask((request) => request.action === 'get1080p' && request.video_id === videoIds[1], REJECTED);
		const result = await runVeo(
			emulator(),
			{ operation: 'get1080p', videoId: '={{ $json.videoId }}', model: 'veo31-fast', options: { pollInterval: 1 } },
			{ items: made.items.map((item) => ({ ...item.json, prompt: (items[made.items.indexOf(item)] as IDataObject).prompt })), onError: 'continueErrorOutput' },
		);
		expectSplit(result.outputs, emulator().listTasks().slice(3).map((task) => task.id));
	});

	it('Get Task: an unknown task id goes to the error output, the known ones to the regular one', async () => {
		const made = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'a known task', options: { pollInterval: 1 } });
		const known = made.items[0].json.taskId as string;
		const result = await runVeo(
			emulator(),
			{ operation: 'getTask', taskIds: '={{ $json.id }}' },
			{ items: [{ id: known }, { id: 'no-such-task' }], onError: 'continueErrorOutput' },
		);
		const [successes, failures] = result.outputs;
		expect(json(successes)).toEqual([expect.objectContaining({ taskId: known, state: 'succeeded' })]);
		expect(failures.map((item) => item.json)).toEqual([
			{ message: 'Veo task no-such-task was not found [item 1]', error: expect.objectContaining({ taskId: 'no-such-task' }) },
		]);
		expect(failures[0].pairedItem).toEqual({ item: 1 });
	});

	it('a bad input goes to the error output too, and nothing is paid for it', async () => {
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 1 } },
			{ items: [{ prompt: 'fine' }, { prompt: '' }], onError: 'continueErrorOutput' },
		);
		expect(emulator().creates()).toHaveLength(1);
		expect(json(result.outputs[0])).toEqual([expect.objectContaining({ state: 'succeeded' })]);
		expect(result.outputs[1].map((item) => item.json)).toEqual([
			{ message: "The 'Prompt' field is empty [item 1]", error: expect.objectContaining({ message: "The 'Prompt' field is empty [item 1]" }) },
		]);
	});

	it('On Error: Continue (regular output) keeps every item on the one output, flat as before', async () => {
		emulator().failTask('rejected', REJECTED);
		const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 1 } }, { items, continueOnFail: true });
		const taskIds = emulator().listTasks().map((task) => task.id);
		expect(result.outputs).toHaveLength(1);
		expect(json(result.items)[1]).toEqual({
			error: `Veo task ${taskIds[1]} failed: The prompt was rejected (CONTENT_REJECTED) [item 1]`,
			details: expect.stringContaining('Failed tasks are not charged'),
			taskId: taskIds[1],
			state: 'failed',
			code: 'CONTENT_REJECTED',
			serviceMessage: 'The prompt was rejected',
			traceId: expect.any(String),
		});
	});

	describe.each([2, 1] as const)('pausing until Ace Data Cloud calls back (n8n %d.x)', (n8nVersion) => {
		const n8n = new WaitingWebhooks({ n8nVersion });
		beforeAll(async () => await n8n.start());
		afterAll(async () => await n8n.stop());

		it('resumes, with the failed task on the error output and the videos on the regular one', async () => {
			emulator().failTask('rejected', REJECTED);
			const first = await runVeo(
				emulator(),
				{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', waitMode: 'callback', downloadVideo: true, options: { maxWait: 60 } },
				{ items, onError: 'continueErrorOutput', waitingWebhooks: n8n },
			);
			expect(first.status).toBe('waiting');
			const final = await n8n.finished(first.executionId);
			expect(final.status).toBe('success');
			expectSplit(final.outputs, emulator().listTasks().map((task) => task.id));
			expect(final.outputs[0].every((item) => item.binary?.data)).toBe(true);
		});
	});
});
