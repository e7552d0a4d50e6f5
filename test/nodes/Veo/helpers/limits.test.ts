import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';
import type { INodeParameters, INodeProperties } from 'n8n-workflow';

import { Veo } from '../../../../nodes/Veo/Veo.node';
import * as limits from '../../../../nodes/Veo/helpers/limits';
import { runVeo, useEmulator } from '../fixture';

const textToVideo = (options: INodeParameters): INodeParameters => ({ operation: 'textToVideo', prompt: 'A heron at dawn', options });

/** Every copy of a field in the panel (each operation and node version has its own). */
function copiesOf(name: string): INodeProperties[] {
	const found: INodeProperties[] = [];
	const walk = (properties: INodeProperties[]) => {
		for (const property of properties) {
			if (property.name === name) found.push(property);
			walk((property.options ?? []).filter((option): option is INodeProperties => 'displayName' in option && 'type' in option));
		}
	};
	walk(new Veo().description.properties);
	return found;
}

describe('the user-facing limits: one definition for the panel and the checks', () => {
	it.each([
		['maxWait', limits.MAX_WAIT_DEFAULT_S, limits.MAX_WAIT_MIN_S, limits.MAX_WAIT_MAX_S],
		['pollInterval', limits.POLL_INTERVAL_DEFAULT_S, limits.POLL_INTERVAL_MIN_S, limits.POLL_INTERVAL_MAX_S],
		['maxVideoSize', limits.MAX_VIDEO_SIZE_DEFAULT_MB, limits.MAX_VIDEO_SIZE_MIN_MB, undefined],
		['maxConcurrent', limits.MAX_VIDEOS_IN_PROGRESS_DEFAULT, 0, undefined],
	])('%s: every copy in the panel has the default %p and the bounds %p to %p', (name, byDefault, min, max) => {
		const copies = copiesOf(name);
		expect(copies.length).toBeGreaterThan(1);
		for (const field of copies) {
			expect(field.default).toBe(byDefault);
			expect(field.typeOptions?.minValue).toBe(min);
			expect(field.typeOptions?.maxValue).toBe(max);
		}
	});

	it('keeps no bare copy of a limit in the panel', () => {
		const fields = resolve(__dirname, '../../../../nodes/Veo/fields');
		const files = readdirSync(fields).map((name) => join(fields, name)).filter((path) => statSync(path).isFile());
		const bare = files.flatMap((file) =>
			[...readFileSync(file, 'utf8').matchAll(/(default|minValue|maxValue): (\d[\d_]*)/g)]
				.filter((match) => match[2] !== '0')
				.map((match) => `${relative(fields, file)}: ${match[0]}`),
		);
		expect(bare).toEqual([]);
	});

	describe('the checks refuse just past the bounds the panel shows', () => {
		const emulator = useEmulator();
		it.each([
			// Expressions: the panel itself would not let these values be typed.
			['Max Wait', { maxWait: `={{ ${limits.MAX_WAIT_MAX_S + 1} }}` }, `between ${limits.MAX_WAIT_MIN_S} and ${limits.MAX_WAIT_MAX_S} seconds`],
			['Max Wait', { maxWait: `={{ ${limits.MAX_WAIT_MIN_S - 0.5} }}` }, `between ${limits.MAX_WAIT_MIN_S} and ${limits.MAX_WAIT_MAX_S} seconds`],
			['Poll Interval', { pollInterval: `={{ ${limits.POLL_INTERVAL_MAX_S + 1} }}` }, `between ${limits.POLL_INTERVAL_MIN_S} and ${limits.POLL_INTERVAL_MAX_S} seconds`],
		])('%s %p', async (field, options, says) => {
			const result = await runVeo(emulator(), textToVideo(options));
			expect(result.error?.message).toContain(says);
			expect(result.error?.message).toContain(field);
			expect(emulator().requests).toHaveLength(0);
		});
	});
});
