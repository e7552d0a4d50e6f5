import { NodeHelpers } from 'n8n-workflow';
import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { Veo } from '../../../../nodes/Veo/Veo.node';

/** What the editor's panel shows, decided by n8n-workflow's own display rules as the editor calls them. */
const description = new Veo().description;

/** The top-level fields the panel shows for these parameters in this node version. */
function shownFields(typeVersion: number, parameters: INodeParameters): INodeProperties[] {
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, { typeVersion }, description) ?? {};
	return description.properties.filter((p) => NodeHelpers.displayParameter(values, p, { typeVersion }, description, values));
}

/** The options the panel offers under "Add Option" of the Options collection. */
function offeredOptions(typeVersion: number, parameters: INodeParameters): string[] {
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, { typeVersion }, description) ?? {};
	const [collection] = shownFields(typeVersion, parameters).filter((p) => p.name === 'options');
	return (collection.options as INodeProperties[])
		.filter((o) => NodeHelpers.displayParameterPath(values, o, 'options', { typeVersion }, description))
		.map((o) => o.displayName);
}

describe('the fields shared by the creating operations, as the editor shows them', () => {
	describe('Callback URL', () => {
		it.each(['textToVideo', 'imageToVideo', 'ingredientsToVideo', 'get1080p'])('is not offered in pause mode (%s), which brings its own callback address', (operation) => {
			expect(offeredOptions(2, { operation, waitMode: 'callback' })).not.toContain('Callback URL');
		});

		it.each(['poll', 'none'])('is offered when the node waits with %s', (waitMode) => {
			expect(offeredOptions(2, { operation: 'textToVideo', waitMode })).toContain('Callback URL');
		});

		it('stays where version 1 had it', () => {
			expect(offeredOptions(1, { operation: 'textToVideo' })).toContain('Callback URL');
		});
	});

	describe('Put Output File in Field', () => {
		const outputField = (typeVersion: number, operation: string) =>
			shownFields(typeVersion, { operation, downloadVideo: true }).find((p) => p.displayName === 'Put Output File in Field');

		it.each(['textToVideo', 'getTask'])('is not named like an input field from version 2.1 (%s), so the editor shows no input-field tooltip', (operation) => {
			// n8n's editor shows "Specify the property name of the binary data in the input item…" on any
			// parameter whose name includes binaryPropertyName.
			expect(outputField(2.1, operation)?.name).toBe('outputBinaryField');
			expect(outputField(2.1, operation)?.hint).toMatch(/output/);
		});

		it.each([1, 2])('keeps its old name in version %s, so saved workflows keep their field', (typeVersion) => {
			for (const operation of ['textToVideo', 'getTask']) {
				expect(outputField(typeVersion, operation)?.name).toBe('binaryPropertyName');
			}
		});
	});

	describe('the pause-mode notice', () => {
		const notice = () => shownFields(2, { operation: 'textToVideo', waitMode: 'callback' }).find((p) => p.type === 'notice');

		it('is shown in pause mode only', () => {
			expect(notice()).toBeDefined();
			expect(shownFields(2, { operation: 'textToVideo', waitMode: 'poll' }).some((p) => p.type === 'notice')).toBe(false);
		});

		it('reads true for the real service and for a local emulator alike', () => {
			expect(notice()?.displayName).toMatch(/For the real service .* reachable from the internet/);
			expect(notice()?.displayName).toMatch(/local emulator .* a local n8n works/);
			expect(notice()?.displayName).not.toMatch(/must reach this n8n from the internet/);
		});
	});
});
