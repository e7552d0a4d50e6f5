import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm run bench` in short (issue 17: it stopped at the node's 200 MB Max Video Size and nobody saw
 * for weeks): the benchmark's own code, compiled the way `npm run bench` compiles it, runs one small
 * batch and one download to their end. Its timing bounds are for a quiet machine and are not judged
 * here; what it counts (videos, queries, bytes) is.
 */
const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..');
const BUILD = join(ROOT, 'bench', 'build-jest');
const OUT = `jest-short-${process.pid}`;

interface BenchJson {
	rows: Array<{ count: number; wallMs: number; limitMs: number; stats: { createsAccepted: number; taskQueries: number; duplicatePrompts: number } }>;
	downloads: Array<{ size: number; storedBytes: number; storedSha256: string; servedSha256: string }>;
	failures: string[];
}

describe('npm run bench, short form (one small batch, one download)', () => {
	let stdout = '';
	let exitCode = 0;
	let json: BenchJson;

	beforeAll(async () => {
		await run(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'bench', 'tsconfig.json'), '--outDir', BUILD]);
		const bench = await run(process.execPath, [join(BUILD, 'bench', 'run.js')], {
			env: { ...process.env, BENCH_COUNTS: '2', BENCH_DOWNLOAD_MB: '1', BENCH_BASELINE: 'off', BENCH_SCENARIOS: 'off', BENCH_OUT: OUT },
			timeout: 240_000,
		}).catch((error: { code?: number; stdout?: string }) => {
			// exit code 1: it ran to its end, but a bound did not hold (judged below); 2: it broke
			if (error.code !== 1) throw error;
			return { stdout: error.stdout ?? '', code: 1 };
		});
		stdout = bench.stdout;
		exitCode = 'code' in bench ? (bench.code as number) : 0;
		json = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', `${OUT}.json`), 'utf8')) as BenchJson;
	}, 300_000);

	afterAll(() => {
		for (const ext of ['json', 'md']) rmSync(join(ROOT, 'bench', 'results', `${OUT}.${ext}`), { force: true });
	});

	it('runs to its end and prints task queries per video next to the time ratio', () => {
		expect([0, 1]).toContain(exitCode);
		expect(stdout).toMatch(/node +N= 2: [\d.]+ s = [\d.]+ L .*, [\d.]+ task queries per video/);
		expect(stdout).toContain('| N | L (s) | wall (s) | wall / L | task queries per video |');
	});

	it('makes one video per item and keeps to the query budget', () => {
		const [row] = json.rows;
		expect(row.count).toBe(2);
		expect(row.stats.createsAccepted).toBe(2);
		expect(row.stats.duplicatePrompts).toBe(0);
		// only timing bounds may miss on a loaded machine; counts may not
		expect(json.failures.filter((failure) => !/wall|seen .* after it finished|rounds .* ms apart/.test(failure))).toEqual([]);
	});

	it('downloads the whole video through the node', () => {
		const [download] = json.downloads;
		expect(download.size).toBe(2 ** 20);
		expect(download.storedBytes).toBe(download.size);
		expect(download.storedSha256).toBe(download.servedSha256);
	});
});
