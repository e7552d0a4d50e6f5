import type { VeoCreateBody } from '../../../../nodes/Veo/helpers/requestBody';
import { adoptionOf, LOOK_AFTER_MS, sameRequest } from '../../../../nodes/Veo/engine/taskAdoption';

describe('adoptionOf: which record is the task of a create whose answer was lost', () => {
	const body: VeoCreateBody = { action: 'text2video', model: 'veo3', prompt: 'same', async: true };
	const sentAt = 1_000_000;
	const record = (id: string, createdAtMs: number, request: object = body) => ({ id, created_at: createdAtMs / 1000, request: request as never });

	it('adopts the one record with exactly this request, created after the create was sent', () => {
		expect(adoptionOf([record('a', sentAt + 300)], body, sentAt, new Set())).toEqual({ kind: 'adopt', record: record('a', sentAt + 300) });
	});

	it('ignores records created before the create was sent (an earlier run of the same prompt), within the clock tolerance', () => {
		expect(adoptionOf([record('old', sentAt - 60_000)], body, sentAt, new Set())).toEqual({ kind: 'none' });
		expect(adoptionOf([record('skewed', sentAt - 1500)], body, sentAt, new Set())).toMatchObject({ kind: 'adopt' });
	});

	it('ignores records this run already owns and records of other requests', () => {
		const records = [record('mine', sentAt + 10), record('other', sentAt + 20, { ...body, prompt: 'other' })];
		expect(adoptionOf(records, body, sentAt, new Set(['mine']))).toEqual({ kind: 'none' });
	});

	it('does not guess between two candidates: names them all', () => {
		expect(adoptionOf([record('a', sentAt + 10), record('b', sentAt + 20)], body, sentAt, new Set())).toEqual({
			kind: 'ambiguous',
			taskIds: ['a', 'b'],
		});
	});

	it('looks for at least 30 s, closer together at first', () => {
		expect(LOOK_AFTER_MS[0]).toBe(0);
		expect(LOOK_AFTER_MS[LOOK_AFTER_MS.length - 1]).toBeGreaterThanOrEqual(30_000);
		const gaps = LOOK_AFTER_MS.slice(1).map((at, index) => at - LOOK_AFTER_MS[index]);
		expect(gaps).toEqual([...gaps].sort((a, b) => a - b));
	});

	it('sameRequest: a stored record is ours when it holds every field we sent, with the same values', () => {
		expect(sameRequest({ ...body, extra: 1 } as never, body)).toBe(true);
		expect(sameRequest({ ...body, prompt: 'other' } as never, body)).toBe(false);
		expect(sameRequest(undefined, body)).toBe(false);
	});
});
