import { onErrorOf } from '../../../../nodes/Veo/helpers/onError';

/** The node's On Error setting, read as n8n-core's continueOnFail() reads it. */
describe('onErrorOf', () => {
	it('follows On Error when it is set', () => {
		expect(onErrorOf({ onError: 'stopWorkflow' })).toBe('stop');
		expect(onErrorOf({ onError: 'continueRegularOutput' })).toBe('continueRegularOutput');
		expect(onErrorOf({ onError: 'continueErrorOutput' })).toBe('continueErrorOutput');
	});

	it('lets On Error win over the legacy continueOnFail flag, as n8n does', () => {
		expect(onErrorOf({ onError: 'stopWorkflow', continueOnFail: true })).toBe('stop');
		expect(onErrorOf({ onError: 'continueErrorOutput', continueOnFail: false })).toBe('continueErrorOutput');
	});

	it('falls back to the legacy flag only for workflows saved before On Error existed', () => {
		expect(onErrorOf({ continueOnFail: true })).toBe('continueRegularOutput');
		expect(onErrorOf({ continueOnFail: false })).toBe('stop');
		expect(onErrorOf({})).toBe('stop');
	});
});
