import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { runVeo, useEmulator } from '../fixture';

/**
 * Without continue-on-fail, n8n's nodes stop at the first failing item. Here every further video would
 * be paid for and then thrown away: the first failure that will fail the node stops new submissions
 * at once, and the node fails without waiting for the rest, naming every task already created.
 */
describe('the first failure stops the run (On Error: Stop Workflow)', () => {
	const emulator = useEmulator();
	const textToVideo = (options: Record<string, unknown> = {}) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		options: { pollInterval: 1, maxWait: 60, ...options },
	});
	const descriptionOf = (error: Error | undefined) => (error as NodeApiError).description ?? '';

	it('a task that fails while the others wait their turn: exactly one create request', async () => {
		emulator().failTask('first');
		const result = await runVeo(emulator(), textToVideo({ maxConcurrent: 1 }), {
			items: [{ prompt: 'first' }, { prompt: 'second' }, { prompt: 'third' }],
		});
		const [task] = emulator().listTasks();
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(new RegExp(`^Veo task ${task.id} failed: .* \\[item 0\\]$`));
		expect(emulator().creates()).toHaveLength(1);
	});

	it('does not wait for the tasks still running, and lists each with its last known state', async () => {
		emulator().failTask('bad');
		emulator().neverFinish('slow');
		const result = await runVeo(emulator(), textToVideo(), { items: [{ prompt: 'slow' }, { prompt: 'bad' }] });
		const [slow, bad] = emulator().listTasks();
		expect(result.error?.message).toMatch(new RegExp(`^Veo task ${bad.id} failed`));
		expect(descriptionOf(result.error)).toContain(`- ${slow.id} (item 0, processing)`);
		expect(descriptionOf(result.error)).toContain(`- ${bad.id} (item 1, failed)`);
		// Max Wait is a minute: the node stopped at the first look that saw the failure.
		expect(result.durationMs).toBeLessThan(10_000);
	});

	/** The service refuses the second create request (balance used up): the first goes through. */
	const refuseSecondCreate = () => {
		emulator().inject({ path: '/veo/videos', kind: 'delay', delayMs: 0 });
		emulator().inject({ path: '/veo/videos', kind: 'status', status: 403, body: { error: { code: 'used_up', message: 'balance is not sufficient' }, trace_id: 't-403' } });
	};

	it('a create the service refuses stops further creates; the task made before it is listed', async () => {
		refuseSecondCreate();
		emulator().neverFinish('first');
		const result = await runVeo(emulator(), textToVideo(), { items: [{ prompt: 'first' }, { prompt: 'second' }, { prompt: 'third' }] });
		const [first] = emulator().listTasks();
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(/balance is not sufficient.*\[item 1\]$/);
		expect(descriptionOf(result.error)).toContain(`- ${first.id} (item 0, submitted)`);
		// first accepted, second refused, third never sent
		expect(emulator().requestsTo('/veo/videos').map((request) => (request.body as { prompt: string }).prompt)).toEqual(['first', 'second']);
		expect(emulator().listTasks()).toHaveLength(1);
	});

	it('a video that cannot be downloaded stops further creates', async () => {
		emulator().inject({ path: 'download', kind: 'status', status: 404, count: 5 });
		const result = await runVeo(emulator(), { ...textToVideo({ maxConcurrent: 1 }), downloadVideo: true }, {
			items: [{ prompt: 'first' }, { prompt: 'second' }, { prompt: 'third' }],
		});
		const [task] = emulator().listTasks();
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(new RegExp(`^The video of task ${task.id} could not be downloaded`));
		// The download runs beside the next submit (its slot was free): the one after never goes out.
		expect(emulator().listTasks().map((one) => one.request.prompt)).not.toContain('third');
	});

	describe('pausing until Ace Data Cloud calls back', () => {
		const n8n = new WaitingWebhooks();
		beforeAll(async () => await n8n.start());
		afterAll(async () => await n8n.stop());

		it('a create the service refuses fails the node before it pauses, naming the task already made', async () => {
			refuseSecondCreate();
			emulator().neverFinish('first');
			const result = await runVeo(
				emulator(),
				{ ...textToVideo(), waitMode: 'callback' },
				{ items: [{ prompt: 'first' }, { prompt: 'second' }, { prompt: 'third' }], waitingWebhooks: n8n },
			);
			const [first] = emulator().listTasks();
			expect(result.status).toBe('error');
			expect(result.error?.message).toMatch(/balance is not sufficient.*\[item 1\]$/);
			expect(descriptionOf(result.error)).toContain(`- ${first.id} (item 0, submitted)`);
			expect(emulator().requestsTo('/veo/videos')).toHaveLength(2);
		});

		it('a task that fails while others wait for a slot stops further creates, as in poll mode, naming every paid task', async () => {
			// 6 items, 2 at a time, item 0 fails at once: the engine before issue 17 paid for all 6
			emulator().failTask('item 0');
			emulator().neverFinish('item 1');
			const result = await runVeo(
				emulator(),
				{ ...textToVideo({ maxConcurrent: 2 }), waitMode: 'callback' },
				{ items: Array.from({ length: 6 }, (_, index) => ({ prompt: `item ${index}` })), waitingWebhooks: n8n },
			);
			const tasks = emulator().listTasks();
			expect(tasks.map((task) => task.request.prompt)).toEqual(['item 0', 'item 1']);
			expect(result.status).toBe('error');
			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(new RegExp(`^Veo task ${tasks[0].id} failed: .* \\[item 0\\]$`));
			expect(descriptionOf(result.error)).toContain(`- ${tasks[0].id} (item 0, failed)`);
			expect(descriptionOf(result.error)).toContain(`- ${tasks[1].id} (item 1, `);
		});
	});
});
