import { NodeOperationError } from 'n8n-workflow';

import { json, runVeo, useEmulator } from '../fixture';

describe('Get Task', () => {
	const emulator = useEmulator();

	async function submit(count: number): Promise<string[]> {
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', waitForCompletion: false },
			{ items: Array.from({ length: count }, (_, index) => ({ prompt: `video ${index}` })) },
		);
		return result.items.map((item) => item.json.taskId as string);
	}

	it('looks one task up with retrieve and outputs its current state', async () => {
		const [taskId] = await submit(1);
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });
		expect(emulator().queries().map((query) => query.body)).toEqual([{ action: 'retrieve', id: taskId }]);
		expect(json(result.items)).toEqual([expect.objectContaining({ taskId, state: expect.stringMatching(/pending|processing/) })]);
	});

	it('looks several up with retrieve_batch, one output item per task, in the order asked', async () => {
		const ids = await submit(3);
		await new Promise((resolve) => setTimeout(resolve, 600));
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: `${ids[2]}\n${ids[0]}, ${ids[1]}, ${ids[0]}` });
		expect(emulator().queries().map((query) => query.body)).toEqual([{ action: 'retrieve_batch', ids: [ids[2], ids[0], ids[1]] }]);
		expect(json(result.items).map((item) => [item.taskId, item.state])).toEqual([
			[ids[2], 'succeeded'],
			[ids[0], 'succeeded'],
			[ids[1], 'succeeded'],
		]);
		expect(result.items.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('asks for the ids of all items together, in calls of at most 50', async () => {
		const ids = await submit(60);
		const items = ids.map((taskId) => ({ taskId }));
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: '={{ $json.taskId }}' }, { items });
		const batches = emulator().queries().map((query) => (query.body as { ids: string[] }).ids.length);
		expect(batches).toEqual([50, 10]);
		expect(result.items.map((item) => item.json.taskId)).toEqual(ids);
		expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(ids.map((_, index) => index));
	});

	it('downloads the video of a finished task', async () => {
		const [taskId] = await submit(1);
		await new Promise((resolve) => setTimeout(resolve, 600));
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId, downloadVideo: true });
		expect(result.items[0].binary?.data).toMatchObject({ fileName: `${taskId}.mp4`, mimeType: 'video/mp4' });
		expect((await result.readBinary(result.items[0])).equals(emulator().videoBytes(taskId))).toBe(true);
	});

	it('fails on an unknown task id, or outputs an error item for it with continue-on-fail', async () => {
		const [taskId] = await submit(1);
		const failed = await runVeo(emulator(), { operation: 'getTask', taskIds: 'no-such-task' });
		expect(failed.error).toBeInstanceOf(NodeOperationError);
		expect(failed.error?.message).toMatch(/no-such-task was not found/);

		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: `no-such-task, ${taskId}` }, { continueOnFail: true });
		expect(json(result.items)).toEqual([
			expect.objectContaining({ taskId: 'no-such-task', error: expect.stringMatching(/not found/) }),
			expect.objectContaining({ taskId, state: expect.any(String) }),
		]);
	});

	it('refuses an empty id list or more than 50 ids in one item before asking anything', async () => {
		const empty = await runVeo(emulator(), { operation: 'getTask', taskIds: ' , \n' });
		expect(empty.error?.message).toMatch(/'Task IDs' field is empty \[item 0\]/);
		const tooMany = await runVeo(emulator(), {
			operation: 'getTask',
			taskIds: Array.from({ length: 51 }, (_, index) => `t${index}`).join(','),
		});
		expect(tooMany.error?.message).toMatch(/holds 51 task IDs/);
		expect(emulator().queries()).toHaveLength(0);
	});
});
