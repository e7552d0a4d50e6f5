import {
	callbackSaysFinished,
	callbackTaskId,
	ledgerItems,
	readLedger,
} from '../../../../nodes/Veo/pause/callbackLedger';

describe('the callback ledger: what a paused execution keeps of its batch', () => {
	const errorItem = { json: { error: "The 'Prompt' field is empty [item 1]" }, pairedItem: { item: 1 } };

	it('holds one item per input item, in input order: the awaited tasks and the settled items', () => {
		const items = ledgerItems(
			[
				{ itemIndex: 2, taskId: 't-2' },
				{ itemIndex: 0, taskId: 't-0', download: { binaryPropertyName: 'video', maxVideoBytes: 5_000_000 } },
			],
			[errorItem],
			900,
		);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[1]).toBe(errorItem);
		expect(items[0].json).toMatchObject({ taskId: 't-0', state: 'submitted', waitingFor: 'callback', binaryPropertyName: 'video', maxVideoBytes: 5_000_000 });
		expect(items[2].json).not.toHaveProperty('binaryPropertyName');
	});

	it('is written as the output n8n gives when Max Wait passes: the task id and what to do next', () => {
		const [item] = ledgerItems([{ itemIndex: 0, taskId: 't-0' }], [], 600);
		expect(item.json.message).toBe(
			'Ace Data Cloud did not call back within Max Wait (600 s). The task may still finish: fetch it with Get Task (task ID t-0) instead of submitting it again.',
		);
	});

	it('reads back exactly what it wrote', () => {
		const written = ledgerItems(
			[
				{ itemIndex: 0, taskId: 't-0', download: { binaryPropertyName: 'data', maxVideoBytes: 200_000_000 } },
				{ itemIndex: 2, taskId: 't-2' },
			],
			[errorItem],
			900,
		);
		// The items come back through n8n's expression engine as JSON.
		const ledger = readLedger(JSON.parse(JSON.stringify(written)));
		expect(ledger?.awaited).toEqual([
			{ itemIndex: 0, taskId: 't-0', download: { binaryPropertyName: 'data', maxVideoBytes: 200_000_000 } },
			{ itemIndex: 2, taskId: 't-2' },
		]);
		expect([...(ledger?.settled ?? [])]).toEqual([[1, errorItem.json]]);
	});

	it('is not found in ordinary input items, even ones with a taskId', () => {
		expect(readLedger([{ json: { taskId: 't-1', state: 'submitted' }, pairedItem: { item: 0 } }])).toBeUndefined();
		expect(readLedger([])).toBeUndefined();
	});

	it('reads the item index from every form of pairedItem n8n uses', () => {
		const awaited = (pairedItem: unknown) =>
			readLedger([{ json: { taskId: 't', waitingFor: 'callback' }, pairedItem: pairedItem as never }])?.awaited[0].itemIndex;
		expect(awaited({ item: 3 })).toBe(3);
		expect(awaited([{ item: 4 }])).toBe(4);
		expect(awaited(5)).toBe(5);
	});
});

describe('callbackTaskId: the task a callback is about', () => {
	it.each<[string, unknown, string | undefined]>([
		['a success body', { success: true, task_id: 'abc', data: [] }, 'abc'],
		['a failure body', { success: false, task_id: ' abc ', error: { code: 'x', message: 'y' } }, 'abc'],
		['no task_id', { success: true }, undefined],
		['an empty task_id', { task_id: '' }, undefined],
		['a task_id that is not text', { task_id: 42 }, undefined],
		['not an object', 'task_id=abc', undefined],
		['an array', [{ task_id: 'abc' }], undefined],
		['nothing', undefined, undefined],
	])('%s', (_case, body, taskId) => {
		expect(callbackTaskId(body)).toBe(taskId);
	});
});

describe('callbackSaysFinished: what a callback claims (it only makes the node look)', () => {
	it('is true for a callback carrying a result, success or failure', () => {
		expect(callbackSaysFinished({ success: true, task_id: 't', data: [] })).toBe(true);
		expect(callbackSaysFinished({ success: false, task_id: 't' })).toBe(true);
	});

	it('is false for a callback without one', () => {
		expect(callbackSaysFinished({ task_id: 't' })).toBe(false);
		expect(callbackSaysFinished({ task_id: 't', success: 'yes' })).toBe(false);
	});
});
