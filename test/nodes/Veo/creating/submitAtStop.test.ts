import type { NodeOperationError } from 'n8n-workflow';

import { runVeo, useEmulator } from '../fixture';

/**
 * The user stops the execution while a create request waits for its answer: the stop cuts the
 * connection, but the service may create (and charge) the task all the same. The error must say so.
 */
describe('a stop while a create is under way', () => {
	const emulator = useEmulator();
	const textToVideo = { operation: 'textToVideo', prompt: 'A lantern rising into a night sky', options: { pollInterval: 1 } };

	it('says that a create was under way, when it was sent, and how to find its task', async () => {
		// The service answers (and creates the task) 0.6 s after the request; the user stops after 0.2 s.
		emulator().inject({ path: '/veo/videos', kind: 'delay', delayMs: 600 });
		const result = await runVeo(emulator(), textToVideo, { cancelAfterMs: 200 });
		expect(result.cancelled).toBe(true);
		expect(result.error?.message).toBe('The execution was cancelled while waiting for Veo');
		const description = (result.error as NodeOperationError).description ?? '';
		expect(description).toMatch(
			/^A video request for item 0 was under way when the execution was stopped \(sent at \d{4}-\d\d-\d\dT[\d:.]+Z\); Ace Data Cloud may have created it all the same\. Look for a task created at that time/,
		);
		// It was: the service went on after the stop.
		await new Promise((resolve) => setTimeout(resolve, 800));
		expect(emulator().listTasks()).toHaveLength(1);
	});

	it('says nothing of the kind when no create was under way at the stop', async () => {
		emulator().neverFinish('lantern');
		const result = await runVeo(emulator(), textToVideo, { cancelAfterMs: 1500 });
		const [task] = emulator().listTasks();
		const description = (result.error as NodeOperationError).description ?? '';
		expect(description).not.toContain('under way');
		expect(description).toContain(`- ${task.id} (item 0,`);
	});
});
