import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative, resolve } from 'path';
import type { INodePropertyOptions } from 'n8n-workflow';

import { Veo } from '../../../../nodes/Veo/Veo.node';
import { operations } from '../../../../nodes/Veo/actions/operations';
import { runVeo, useEmulator } from '../fixture';

/**
 * Adding an operation is its own `*.operation.ts` plus one entry in `actions/operations.ts`: the
 * Operation field, the subtitle, the fields and the router all come from that list, and no other file
 * names an operation.
 */

const NODE_ROOT = resolve(__dirname, '../../../../nodes/Veo');
const ACTIONS = join(NODE_ROOT, 'actions');
const description = new Veo().description;
const values = operations.map(({ option }) => option.value);

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** The subtitle expression as the editor evaluates it, for one value of the Operation field. */
function subtitleFor(operation: string): unknown {
	const expression = /^=\{\{([\s\S]*)\}\}$/.exec(String(description.subtitle))?.[1] ?? '';
	return new Function('$parameter', `return (${expression});`)({ operation });
}

describe('the operation list', () => {
	it('holds every operation file of actions/, once', () => {
		const files = readdirSync(ACTIONS).filter((name) => name.endsWith('.operation.ts'));
		expect(files.map((name) => name.replace('.operation.ts', '')).sort()).toEqual([...values].sort());
		expect(new Set(values).size).toBe(values.length);
	});

	it('gives the Operation field its options (sorted by name, as n8n lints) and its default', () => {
		const field = description.properties.find((property) => property.name === 'operation');
		const options = (field?.options ?? []) as INodePropertyOptions[];
		expect(options).toEqual(operations.map(({ option }) => option).sort((a, b) => a.name.localeCompare(b.name)));
		expect(options.map((option) => option.name)).toEqual([...options.map((option) => option.name)].sort());
		expect(field?.default).toBe(values[0]);
	});

	it.each(operations.map(({ option }) => [option.value, option.name]))('names %s "%s" in the subtitle', (value, name) => {
		expect(subtitleFor(value)).toBe(name);
	});

	it.each(values)('shows the fields of %s only for it', (value) => {
		const own = operations.find(({ option }) => option.value === value)?.description ?? [];
		expect(own.length).toBeGreaterThan(0);
		for (const property of own) expect(property.displayOptions?.show?.operation).toEqual([value]);
		for (const property of own) expect(description.properties).toContain(property);
	});

	it('is the only place outside its own file where an operation is named', () => {
		const named: string[] = [];
		for (const file of sourceFiles(NODE_ROOT)) {
			const source = readFileSync(file, 'utf8');
			for (const value of values) {
				if (file === join(ACTIONS, `${value}.operation.ts`)) continue;
				if (new RegExp(`['"\`]${value}['"\`]`).test(source)) named.push(`${relative(NODE_ROOT, file)} names '${value}'`);
			}
		}
		expect(named).toEqual([]);
	});
});

describe('the router', () => {
	const emulator = useEmulator();

	// Blank (n8n sees a value, the node none), each operation refuses its own field: the router reached it.
	const blank = { prompt: ' ', firstFrameUrl: ' ', imageUrls: ' ', videoId: ' ', taskIds: ' ' };
	it.each(values)('runs %s', async (operation) => {
		const result = await runVeo(emulator(), { operation, ...blank });
		expect(result.error?.message).not.toMatch(/is not supported/);
		expect(result.error?.message).toMatch(/field is empty/);
		expect(emulator().requests).toHaveLength(0);
	});
});
