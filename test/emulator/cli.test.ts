import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { optionsFromEnv } from './cli';

describe('cli', () => {
	it('reads its settings from the environment', () => {
		expect(
			optionsFromEnv({
				VEO_EMULATOR_PORT: '4010',
				VEO_EMULATOR_TOKEN: 'dev-token',
				VEO_EMULATOR_PENDING_MS: '1000',
				VEO_EMULATOR_RUNNING_MS: '2000',
				VEO_EMULATOR_VIDEO_SIZE: '1048576',
			}),
		).toEqual({ port: 4010, token: 'dev-token', pendingMs: 1000, runningMs: 2000, videoSize: 1048576 });
		expect(optionsFromEnv({})).toEqual({});
		expect(() => optionsFromEnv({ VEO_EMULATOR_PORT: 'abc' })).toThrow(/VEO_EMULATOR_PORT/);
	});

	it('prints the base URL, serves, and exits cleanly on SIGTERM', async () => {
		const outDir = mkdtempSync(path.join(tmpdir(), 'veo-emulator-'));
		try {
			// No TypeScript runner is installed, so the test compiles the emulator the plain way.
			for (const file of readdirSync(__dirname).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))) {
				const source = readFileSync(path.join(__dirname, file), 'utf8');
				const { outputText } = ts.transpileModule(source, {
					compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021, esModuleInterop: true },
				});
				writeFileSync(path.join(outDir, file.replace(/\.ts$/, '.js')), outputText);
			}
			const child = spawn(process.execPath, [path.join(outDir, 'cli.js')], {
				env: { ...process.env, VEO_EMULATOR_TOKEN: 'cli-token' },
				stdio: ['ignore', 'pipe', 'inherit'],
			});
			const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
			const baseUrl = await new Promise<string>((resolve) => child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim())));
			expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			const res = await fetch(`${baseUrl}/veo/tasks`, {
				method: 'POST',
				headers: { authorization: 'Bearer cli-token', 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'retrieve_batch', ids: [] }),
			});
			expect(await res.json()).toEqual({ items: [], count: 0 });
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			rmSync(outDir, { recursive: true, force: true });
		}
	});
});
