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

const operations = (description.properties.find((p) => p.name === 'operation')?.options ?? []).map((o) => String((o as { value: string }).value));

/** Every combination of the settings that change which fields the panel shows. */
function panelStates(): Array<{ typeVersion: number; parameters: INodeParameters }> {
	const states: Array<{ typeVersion: number; parameters: INodeParameters }> = [];
	for (const typeVersion of description.version as number[]) {
		const waiting: INodeParameters[] =
			typeVersion === 1 ? [{ waitForCompletion: true }, { waitForCompletion: false }] : ['poll', 'callback', 'none'].map((waitMode) => ({ waitMode }));
		for (const operation of operations) {
			for (const wait of waiting) {
				for (const downloadVideo of [false, true]) {
					for (const imageSource of ['url', 'binary']) {
						states.push({ typeVersion, parameters: { operation, ...wait, downloadVideo, imageSource } });
					}
				}
			}
		}
	}
	return states;
}

const describeState = ({ typeVersion, parameters }: { typeVersion: number; parameters: INodeParameters }) =>
	`v${typeVersion} ${Object.entries(parameters).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`;

describe('every field once, in every node version and every state of the panel', () => {
	it('walks every version, operation, wait mode, Download Video and Image Source', () => {
		expect(operations).toHaveLength(5);
		// Version 1: Wait for Completion on/off; versions 2 and 2.1: three wait modes.
		expect(panelStates()).toHaveLength(5 * (2 + 3 + 3) * 2 * 2);
	});

	it('shows no display name twice, at the top level or under Add Option', () => {
		const repeated: string[] = [];
		for (const state of panelStates()) {
			const names = shownFields(state.typeVersion, state.parameters).map((p) => p.displayName);
			if (names.includes('Options')) names.push(...offeredOptions(state.typeVersion, state.parameters));
			const twice = names.filter((name, i) => names.indexOf(name) !== i);
			if (twice.length) repeated.push(`${describeState(state)}: ${twice.join(', ')}`);
		}
		expect(repeated).toEqual([]);
	});

	it.each(['textToVideo', 'getTask'])('shows Max Video Size (%s) whenever Download Video is on, and only then', (operation) => {
		for (const typeVersion of [1, 2, 2.1]) {
			const shown = (downloadVideo: boolean) =>
				shownFields(typeVersion, { operation, downloadVideo }).filter((p) => p.displayName === 'Max Video Size (MB)');
			expect([typeVersion, shown(true).length]).toEqual([typeVersion, 1]);
			expect([typeVersion, shown(false).length]).toEqual([typeVersion, 0]);
		}
	});

	it.each([1, 2, 2.1])('keeps the saved download settings of a version %s workflow', (typeVersion) => {
		for (const operation of ['textToVideo', 'getTask']) {
			const output = typeVersion < 2.1 ? 'binaryPropertyName' : 'outputBinaryField';
			const saved = { operation, downloadVideo: true, maxVideoSize: 7, [output]: 'video' };
			// What n8n does when it loads a saved node: keep the values of the parameters the version shows.
			const loaded = NodeHelpers.getNodeParameters(description.properties, saved, false, false, { typeVersion }, description);
			expect(loaded).toMatchObject({ downloadVideo: true, maxVideoSize: 7, [output]: 'video' });
		}
	});
});

describe('options that apply to the operation', () => {
	const resolutionValues = (typeVersion: number, operation: string) => {
		const values = NodeHelpers.getNodeParameters(description.properties, { operation }, true, false, { typeVersion }, description) ?? {};
		const [collection] = shownFields(typeVersion, { operation }).filter((p) => p.name === 'options');
		const resolution = (collection.options as INodeProperties[]).find(
			(o) => o.name === 'resolution' && NodeHelpers.displayParameterPath(values, o, 'options', { typeVersion }, description),
		);
		return (resolution?.options ?? []).map((o) => (o as { value: string }).value);
	};
	const veo31 = (typeVersion: number, operation: string) =>
		(shownFields(typeVersion, { operation }).find((p) => p.name === 'model')?.options ?? []).find((o) => (o as { value: string }).value === 'veo31') as
			| { description: string }
			| undefined;

	it.each([1, 2, 2.1])('Resolution offers 4k in Text to Video only (version %s), as the service makes 4k only there', (typeVersion) => {
		expect(resolutionValues(typeVersion, 'textToVideo')).toEqual(['1080p', '4k', 'gif']);
		expect(resolutionValues(typeVersion, 'imageToVideo')).toEqual(['1080p', 'gif']);
		expect(resolutionValues(typeVersion, 'ingredientsToVideo')).toEqual(['1080p', 'gif']);
	});

	it('the Model list says Veo 3.1 offers 4k only where the operation offers 4k', () => {
		expect(veo31(2.1, 'textToVideo')?.description).toMatch(/4k/);
		expect(veo31(2.1, 'imageToVideo')?.description).not.toMatch(/4k/);
		expect(veo31(2.1, 'get1080p')?.description).not.toMatch(/4k/);
	});

	it("Ingredients to Video's fixed model is information (a callout), not a yellow warning (a notice)", () => {
		const note = shownFields(2.1, { operation: 'ingredientsToVideo' }).find((p) => p.name === 'ingredientsModelNotice');
		expect(note).toMatchObject({ type: 'callout', displayName: expect.stringMatching(/veo31-fast-ingredients/) });
	});
});
