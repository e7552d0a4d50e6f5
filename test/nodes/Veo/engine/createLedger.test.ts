import type { IDataObject } from 'n8n-workflow';

import { CreateLedger, fingerprintOf, LEDGER_KEY } from '../../../../nodes/Veo/engine/createLedger';
import type { VeoCreateBody } from '../../../../nodes/Veo/helpers/requestBody';

describe('CreateLedger: what earlier tries of a run created', () => {
	const body: VeoCreateBody = { action: 'text2video', model: 'veo3', prompt: 'a fox', async: true };
	const fp = fingerprintOf(body);

	it('a task accepted in one try is known to the next try of the same run, for the same item and request', () => {
		const context: IDataObject = {};
		CreateLedger.open(context, 0).accepted(1, fp, 'task-1', 1000);
		const retry = CreateLedger.open(context, 0);
		expect(retry.earlier(1, fp)).toEqual({ taskId: 'task-1', acceptedAt: 1000 });
		expect(retry.earlier(0, fp)).toBeUndefined();
		expect(retry.earlier(1, fingerprintOf({ ...body, prompt: 'a cat' }))).toBeUndefined();
	});

	it('a later run of the node (a loop) starts empty', () => {
		const context: IDataObject = {};
		CreateLedger.open(context, 0).accepted(0, fp, 'task-1', 1000);
		expect(CreateLedger.open(context, 1).earlier(0, fp)).toBeUndefined();
		expect(context[LEDGER_KEY]).toEqual({ runIndex: 1, items: {} });
	});

	it('a create that left may exist until the service answers; a clear refusal forgets it, a lost answer keeps it', () => {
		const context: IDataObject = {};
		const ledger = CreateLedger.open(context, 0);
		ledger.sending(0, fp, body, 5000);
		ledger.sending(1, fp, body, 6000);
		const failure = { status: 504, code: 'gateway_timeout', message: 'upstream timed out' };
		ledger.lost(0, failure);
		ledger.notCreated(1);
		const retry = CreateLedger.open(context, 0);
		expect(retry.earlier(0, fp)).toEqual({ sentAt: 5000, body, failure });
		expect(retry.earlier(1, fp)).toBeUndefined();
	});

	it('never forgets an accepted task', () => {
		const context: IDataObject = {};
		const ledger = CreateLedger.open(context, 0);
		ledger.accepted(0, fp, 'task-1', 1000);
		ledger.notCreated(0);
		ledger.lost(0, { code: 'x', message: 'y' });
		expect(CreateLedger.open(context, 0).earlier(0, fp)).toEqual({ taskId: 'task-1', acceptedAt: 1000 });
	});

	it('the fingerprint ignores key order and tells different requests apart', () => {
		expect(fingerprintOf({ async: true, prompt: 'a fox', model: 'veo3', action: 'text2video' })).toBe(fp);
		expect(fingerprintOf({ ...body, prompt: 'a fox.' })).not.toBe(fp);
		expect(fingerprintOf({ ...body, image_urls: ['a', 'b'] })).not.toBe(fingerprintOf({ ...body, image_urls: ['b', 'a'] }));
	});
});
