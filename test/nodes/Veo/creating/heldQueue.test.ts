import { NodeOperationError } from 'n8n-workflow';

import { json, runVeo, useEmulator } from '../fixture';

/**
 * Issue 17.2: items queued behind Max Videos in Progress wait for a task of this node to finish. A
 * task that never finishes must not hold them for ever: once none of the node's videos finished for
 * a whole Max Wait, they fail unsubmitted, naming the tasks that held the slots. (The same in Don't
 * Wait mode is specified on the virtual clock: videoBatch.test.ts.)
 */
describe('a task that never finishes, with Max Videos in Progress', () => {
	const emulator = useEmulator();
	const textToVideo = { operation: 'textToVideo', prompt: '={{ $json.prompt }}', options: { pollInterval: 1, maxWait: 3, maxConcurrent: 1 } };
	const items = [{ prompt: 'stuck' }, { prompt: 'queued' }];

	it('ends: the queued item fails "not submitted", naming the task that held its slot', async () => {
		emulator().neverFinish('stuck');
		const result = await runVeo(emulator(), textToVideo, { items, continueOnFail: true });
		const [stuck] = emulator().listTasks();
		expect(emulator().creates()).toHaveLength(1);
		expect(json(result.items)).toEqual([
			expect.objectContaining({ taskId: stuck.id, error: expect.stringMatching(/did not finish within 3 seconds/) }),
			{
				error: `Not submitted, nothing was charged: every slot stayed taken by ${stuck.id} and none of this node's videos finished for 3 seconds [item 1]`,
				details: expect.stringContaining('Max Videos in Progress'),
			},
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.durationMs).toBeLessThan(10_000);
	});

	it('with On Error: Stop, fails the node at the timeout, naming the task', async () => {
		emulator().neverFinish('stuck');
		const result = await runVeo(emulator(), textToVideo, { items });
		const [stuck] = emulator().listTasks();
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(new RegExp(`^Veo task ${stuck.id} did not finish within 3 seconds`));
		expect(emulator().creates()).toHaveLength(1);
	});
});
