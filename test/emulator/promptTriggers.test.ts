import { VeoEmulator } from './VeoEmulator';
import type { FailureResponse } from './VeoEmulator';
import { addPromptTriggers, PROMPT_TRIGGERS, SLOW_EXTRA_MS } from './promptTriggers';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

describe('prompt triggers (npm start: a word in the prompt decides how the task ends)', () => {
	let now = T0;
	let emu: VeoEmulator;

	beforeEach(async () => {
		now = T0;
		emu = new VeoEmulator({ now: () => now, pendingMs: 3000, runningMs: 9000 });
		addPromptTriggers(emu);
		await emu.start();
	});
	afterEach(async () => await emu.stop());

	async function create(prompt: string): Promise<string> {
		const answer = await fetch(`${emu.baseUrl}/veo/videos`, {
			method: 'POST',
			headers: { authorization: `Bearer ${emu.token}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'text2video', prompt, async: true }),
		});
		return ((await answer.json()) as { task_id: string }).task_id;
	}

	it('are #reject, #slow and #never', () => {
		expect(PROMPT_TRIGGERS).toEqual({ reject: '#reject', slow: '#slow', never: '#never' });
	});

	it('#reject fails the task as the service fails a refused prompt, in its usual time', async () => {
		const id = await create('A crowd at a stadium #REJECT');
		now += 12_000;
		const task = emu.getTask(id);
		expect(task?.state).toBe('failed');
		expect((task?.record.response as FailureResponse).error).toEqual({ code: 'CONTENT_REJECTED', message: expect.stringMatching(/rejected/) });
	});

	it('#slow makes the task succeed a minute later than the others', async () => {
		const slow = await create('#slow a snail crossing a leaf');
		const usual = await create('a hare in a field');
		now += 12_000;
		expect([emu.getTask(usual)?.state, emu.getTask(slow)?.state]).toEqual(['succeeded', 'running']);
		now += SLOW_EXTRA_MS;
		expect(emu.getTask(slow)?.state).toBe('succeeded');
	});

	it('#never keeps the task running for good', async () => {
		const id = await create('A clock that never stops #never');
		now += 7 * 24 * 3600_000;
		expect(emu.getTask(id)?.state).toBe('running');
	});

	it('reacts to the whole word only, so an ordinary prompt is never caught', async () => {
		const ids = [await create('#slower than ever, #rejected'), await create('never say never, slow motion, rejected')];
		now += 12_000;
		expect(ids.map((id) => emu.getTask(id)?.state)).toEqual(['succeeded', 'succeeded']);
	});
});
