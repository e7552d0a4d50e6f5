import type { NodeApiError } from 'n8n-workflow';

import { AceDataCloudApi } from '../../../../credentials/AceDataCloudApi.credentials';
import { Veo } from '../../../../nodes/Veo/Veo.node';
import { NODE_NAME, runNode } from '../../../helpers/runNode';
import { runVeo, SCALED_LOOKS, TOKEN, useEmulator, useScaledLooks } from '../fixture';

/**
 * n8n's Retry On Fail (node Settings) runs the whole node again after it throws, or when its first
 * output item is an error item. n8n runs every try of one run with the same run index and keeps the
 * node's context between them (workflow-execute.ts): what an earlier try created, or may have
 * created, is waited for again, never created (and paid for) again.
 */
describe('Retry On Fail does not pay again', () => {
	const emulator = useEmulator();
	// The looks for a lost create's task last 3 s here instead of 30 s (faults.test.ts keeps them in real time).
	useScaledLooks();
	const textToVideo = (options: Record<string, unknown> = {}) => ({
		operation: 'textToVideo',
		prompt: '={{ $json.prompt }}',
		options: { pollInterval: 1, maxWait: 60, ...options },
	});
	const retry = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
	const descriptionOf = (error: Error | undefined) => (error as NodeApiError).description ?? '';

	it('two items, one fails at the service, two tries: one create per item, both tasks reported', async () => {
		emulator().failTask('bad');
		const result = await runVeo(emulator(), textToVideo(), { items: [{ prompt: 'good' }, { prompt: 'bad' }], settings: retry });
		const [good, bad] = emulator().listTasks();
		expect(emulator().creates()).toHaveLength(2);
		// The second try found the failed task again: the same error, naming both paid-for tasks.
		expect(result.error?.message).toMatch(new RegExp(`^Veo task ${bad.id} failed: .* \\[item 1\\]$`));
		expect(descriptionOf(result.error)).toContain(`- ${good.id} (item 0, succeeded)`);
		expect(descriptionOf(result.error)).toContain(`- ${bad.id} (item 1, failed)`);
	});

	it('a create whose answer was lost and whose task shows up only after the looks: the retry finds it, no second create', async () => {
		// 504 at once; the task exists only after the first try's looks are over.
		const looksEnd = SCALED_LOOKS[SCALED_LOOKS.length - 1];
		emulator().inject({ path: '/veo/videos', kind: 'late-create', status: 504, delayMs: looksEnd + 2000 });
		const result = await runVeo(emulator(), textToVideo({ maxWait: 120 }), { items: [{ prompt: 'late' }], settings: retry });
		const [task] = emulator().listTasks();
		expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
		expect(emulator().listTasks()).toHaveLength(1);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => [item.json.taskId, item.json.state])).toEqual([[task.id, 'succeeded']]);
	}, 90_000);

	it('a create whose answer was lost and whose task never shows up: the retry fails the same way, without sending again', async () => {
		emulator().inject({ path: '/veo/videos', kind: 'status', status: 504, body: { error: { code: 'gateway_timeout', message: 'upstream timed out' } } });
		const result = await runVeo(emulator(), textToVideo(), { items: [{ prompt: 'lost' }], settings: retry });
		expect(emulator().requestsTo('/veo/videos')).toHaveLength(1);
		expect(result.error?.message).toMatch(/^The video may have been created at .* \[item 0\]$/);
	}, 90_000);

	it('each run of the node in a loop creates its own videos, even for the same prompts; retries within a run do not', async () => {
		// Item 0 fails: with On Error: Continue its error item comes first, which n8n retries too.
		emulator().failTask('bad');
		const items = [{ prompt: 'bad' }, { prompt: 'good' }];
		const result = await runVeo(emulator(), { ...textToVideo(), downloadVideo: true }, { items, laterRuns: [items], settings: retry, continueOnFail: true });
		const runs = result.runData[NODE_NAME].map((run) => run.data?.main[0]?.map((item) => item.json.taskId ?? (item.json.error as string)));
		const tasks = emulator().listTasks();
		expect(tasks.map((task) => task.request.prompt)).toEqual(['bad', 'good', 'bad', 'good']);
		// The retry waited for the good task the first try created and downloaded its video as usual.
		expect(result.runData[NODE_NAME].map((run) => Boolean(run.data?.main[0]?.[1]?.binary?.data))).toEqual([true, true]);
		expect(runs).toHaveLength(2);
		expect(runs[0]?.[1]).toBe(tasks[1].id);
		expect(runs[1]?.[1]).toBe(tasks[3].id);
		expect(String(runs[1]?.[0])).toContain(tasks[2].id);
	});

	it('as an AI agent tool with Retry On Fail on, refuses before anything is paid', async () => {
		// n8n names the tool form of a node after it with 'Tool' appended.
		class VeoTool extends Veo {
			description = { ...new Veo().description, name: 'veoTool' };
		}
		const result = await runNode({
			nodeType: new VeoTool(),
			parameters: { ...textToVideo(), prompt: 'a tool call' },
			credentials: { aceDataCloudApi: { type: new AceDataCloudApi(), data: { apiToken: TOKEN, baseUrl: emulator().baseUrl } } },
			settings: retry,
		});
		expect(result.error?.message).toMatch(/^Turn off Retry On Fail in the settings of this tool/);
		expect(emulator().requests).toEqual([]);
	});
});
