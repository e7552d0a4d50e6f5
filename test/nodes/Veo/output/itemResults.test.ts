import type { NodeOperationError } from 'n8n-workflow';

import { runVeo, useEmulator } from '../fixture';

/**
 * When the node stops (On Error: Stop Workflow), its error names every task this run created, so that
 * paid work can be fetched with Get Task instead of being paid for again: also the tasks the service
 * accepted after the failure was first seen, while their create was still on its way.
 */
describe('the error of a stopped run names every task it created', () => {
	const emulator = useEmulator();

	it("item 0's download fails while item 1's create is in flight: both tasks are named", async () => {
		emulator().inject({ path: 'download', kind: 'status', status: 404, count: 5 });
		// The first create answers at once; the second (sent when item 0 finished) answers 2 s later.
		emulator().inject({ path: '/veo/videos', kind: 'delay', delayMs: 0 });
		emulator().inject({ path: '/veo/videos', kind: 'delay', delayMs: 2000 });
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.prompt }}', downloadVideo: true, options: { pollInterval: 1, maxWait: 60, maxConcurrent: 1 } },
			{ items: [{ prompt: 'first' }, { prompt: 'second' }] },
		);
		const [first, second] = emulator().listTasks();
		expect(emulator().creates()).toHaveLength(2);
		expect(result.error?.message).toMatch(new RegExp(`^The video of task ${first.id} could not be downloaded`));
		const description = (result.error as NodeOperationError).description ?? '';
		expect(description).toContain(`- ${first.id} (item 0, succeeded)`);
		expect(description).toContain(`- ${second.id} (item 1, submitted)`);
		// Listed once, not once per pass of the error.
		expect(description.split('Tasks already created').length).toBe(2);
	});
});
