import { readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

/**
 * The node's folders, from the top down. A file imports only from folders below its own (and from its
 * own folder): the operations use the runs, the runs use the engine and the transport, and nothing
 * down there reaches back up. Folders on one line are siblings: neither imports the other.
 */
const LAYERS: string[][] = [
	['Veo.node.ts'],
	['actions'],
	['fields', 'creating'],
	['pause'],
	['transfers'],
	['output'],
	['engine', 'transport'],
	['helpers'],
];

const NODE_ROOT = resolve(__dirname, '../../../nodes/Veo');

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return path.endsWith('.ts') ? [path] : [];
	});
}

/** The top-level folder (or file) of the node a path belongs to. */
const unitOf = (path: string) => relative(NODE_ROOT, path).split('/')[0];
const layerOf = (unit: string) => LAYERS.findIndex((layer) => layer.includes(unit));

function relativeImports(file: string): string[] {
	const source = readFileSync(file, 'utf8');
	return [...source.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((match) => resolve(dirname(file), match[1]));
}

describe('the node folders', () => {
	const files = sourceFiles(NODE_ROOT);

	it('are all placed in a layer', () => {
		const unplaced = [...new Set(files.map(unitOf))].filter((unit) => layerOf(unit) < 0);
		expect(unplaced).toEqual([]);
	});

	it('import only from the folders below them, never back up or sideways', () => {
		const wrongWay: string[] = [];
		for (const file of files) {
			const from = unitOf(file);
			for (const target of relativeImports(file)) {
				const to = unitOf(target);
				if (to === from) continue;
				if (layerOf(to) <= layerOf(from)) wrongWay.push(`${relative(NODE_ROOT, file)} → ${relative(NODE_ROOT, target)}`);
			}
		}
		expect(wrongWay).toEqual([]);
	});

	it('keep only the router, the operation list and the operations in actions/', () => {
		const actions = readdirSync(join(NODE_ROOT, 'actions'));
		const others = actions.filter((name) => !name.endsWith('.operation.ts') && !['router.ts', 'operations.ts'].includes(name));
		expect(others).toEqual([]);
	});
});
