import { NodeOperationError } from 'n8n-workflow';

import { TOKEN, createTaskAt, runVeo, useEmulator } from '../fixture';

/**
 * The token never reaches the output, whatever the service answers and with whatever status; a token
 * too short to be hidden reliably is refused before it is sent anywhere.
 */
describe('the API token stays out of the output', () => {
	const emulator = useEmulator();

	it('a successful (200) record that quotes the token is output with the token hidden', async () => {
		const taskId = await createTaskAt(emulator());
		const echoed = {
			id: taskId,
			request: { prompt: `a fox, token ${TOKEN}`, headers: { Authorization: `Bearer ${TOKEN}` }, [TOKEN]: 'as a key' },
			response: { success: true, task_id: taskId, data: [{ id: 'v', state: 'processing' }] },
		};
		emulator().inject({ path: '/veo/tasks', kind: 'raw', status: 200, body: echoed });

		// runVeo itself fails the test if the token is anywhere in the output or the logs.
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId });

		expect(result.error).toBeUndefined();
		const raw = result.items[0].json.raw as { request: Record<string, unknown> };
		expect(raw.request).toEqual({ prompt: 'a fox, token ***', headers: { Authorization: 'Bearer ***' }, '***': 'as a key' });
	});

	it.each(['', 'abc', 'sk-12'])('a token shorter than 6 characters (%p) is refused before any request', async (token) => {
		const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'some-task' }, { token });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe("The 'API Token' of the Ace Data Cloud API credential is too short to be a token");
		expect(emulator().requests).toEqual([]);
	});
});
