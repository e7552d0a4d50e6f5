import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LoggerProxy, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import type { Fault } from './emulator/types';
import type { RunNodeResult } from './helpers/runNode';
import { TOKEN, everyString, runVeo, useEmulator, useScaledLooks } from './nodes/Veo/fixture';
import type { RunVeoOptions } from './nodes/Veo/fixture';

/**
 * Security, end to end: the API token never shows anywhere a user, a log or another host could see
 * it; the node talks only to an http(s) Base URL and never follows it elsewhere; the package ships
 * nothing but the built node and has no runtime dependencies.
 */

const ROOT = join(__dirname, '..');

/**
 * Every log line n8n's engine writes during these runs, with its metadata (the fixture checks each
 * run's lines too; this keeps them all for the battery's final look).
 */
const logs: string[] = [];
const capture = (level: string) => (message: string, metadata?: unknown) => {
	logs.push(`${level} ${message} ${everyString(metadata).join(' ')}`);
};
LoggerProxy.init({ error: capture('error'), warn: capture('warn'), info: capture('info'), debug: capture('debug') });

/** A tiny HTTP server for the cases the emulator cannot play; it records what reached it. */
interface TinyServer {
	url: string;
	requests: Array<{ method: string; path: string; headers: http.IncomingHttpHeaders; body: string }>;
	close(): Promise<void>;
}

async function tinyServer(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<TinyServer> {
	const requests: TinyServer['requests'] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
			answer(req, res, body);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		requests,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

describe('security', () => {
	const emulator = useEmulator();
	// A lost create's task is looked for 3 s here instead of 30 s: the same answers, the same messages.
	useScaledLooks();

	async function createTask(prompt = 'a fox', finished = true): Promise<string> {
		const answer = await fetch(`${emulator().baseUrl}/veo/videos`, {
			method: 'POST',
			headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'text2video', model: 'veo3', prompt, async: true }),
		});
		const taskId = ((await answer.json()) as { task_id: string }).task_id;
		while (finished && emulator().getTask(taskId)?.state !== 'succeeded') await new Promise((resolve) => setTimeout(resolve, 50));
		return taskId;
	}

	describe('the API token appears nowhere', () => {
		const echo = `rejected header "Authorization: Bearer ${TOKEN}"`;
		const make: INodeParameters = { operation: 'textToVideo', prompt: 'a heron', options: { pollInterval: 1, maxWait: 3 } };
		const lookUp = (taskIds: string, extra: INodeParameters = {}): INodeParameters => ({ operation: 'getTask', taskIds, ...extra });

		interface Run {
			name: string;
			parameters: () => Promise<INodeParameters> | INodeParameters;
			faults?: Fault[];
			options?: RunVeoOptions;
			/** How the run must end, so that the battery really goes through the error paths it names. */
			ends: 'well' | 'in an error' | 'with an error item';
		}

		const runs: Run[] = [
			{ name: 'a video made, waited for and downloaded', parameters: () => ({ ...make, downloadVideo: true }), ends: 'well' },
			{ name: 'a finished task looked up and downloaded', parameters: async () => lookUp(await createTask(), { downloadVideo: true }), ends: 'well' },
			{ name: 'a wrong token on a submit', parameters: () => make, options: { token: 'sk-wrong-token-123456' }, ends: 'in an error' },
			{ name: 'a wrong token on a look-up', parameters: () => lookUp('a, b'), options: { token: 'sk-wrong-token-123456' }, ends: 'in an error' },
			{ name: 'an expired token', parameters: async () => { const id = await createTask(); emulator().expireToken(TOKEN); return lookUp(id); }, ends: 'in an error' },
			{
				name: 'a 500 on submit whose body echoes the Authorization header',
				parameters: () => make,
				faults: [{ path: '/veo/videos', kind: 'status', status: 500, body: { error: { code: 'api_error', message: echo }, trace_id: `trace ${TOKEN}` }, count: 10 }],
				ends: 'in an error',
			},
			{
				name: 'a 403 on submit that echoes the header, with On Error: Continue',
				parameters: () => make,
				faults: [{ path: '/veo/videos', kind: 'status', status: 403, body: { error: { code: 'forbidden', message: echo }, trace_id: TOKEN } }],
				options: { continueOnFail: true },
				ends: 'with an error item',
			},
			{
				name: 'a 400 whose code and message carry the bare token',
				parameters: () => make,
				faults: [{ path: '/veo/videos', kind: 'status', status: 400, body: { error: { code: `bad_token_${TOKEN}`, message: `token ${TOKEN} is not allowed` } } }],
				ends: 'in an error',
			},
			{
				name: 'a gateway page that echoes the header on every look-up',
				parameters: () => lookUp('a, b'),
				faults: [{ path: '/veo/tasks', kind: 'status', status: 502, body: `<html><body>proxy error; request headers: authorization=${TOKEN}</body></html>`, count: 5 }],
				ends: 'in an error',
			},
			{
				name: 'a garbled 200 look-up answer that echoes the header',
				parameters: () => lookUp('a'),
				faults: [{ path: '/veo/tasks', kind: 'raw', body: `Authorization: Bearer ${TOKEN}`, count: 5 }],
				ends: 'in an error',
			},
			{ name: 'a dropped connection on submit', parameters: () => make, faults: [{ path: '/veo/videos', kind: 'drop-before', count: 10 }, { path: '/veo/tasks', kind: 'drop-before', count: 20 }], ends: 'in an error' },
			{ name: 'dropped connections on every look-up', parameters: () => lookUp('a'), faults: [{ path: '/veo/tasks', kind: 'drop-before', count: 5 }], ends: 'in an error' },
			{
				name: 'a download that keeps breaking',
				parameters: async () => lookUp(await createTask(), { downloadVideo: true }),
				faults: [{ path: 'download', kind: 'truncate', count: 3 }],
				ends: 'in an error',
			},
			{
				name: 'a download answered by an error page that echoes the header',
				parameters: async () => lookUp(await createTask(), { downloadVideo: true }),
				faults: [{ path: 'download', kind: 'raw', body: `<p>Bearer ${TOKEN}</p>` }],
				options: { continueOnFail: true },
				ends: 'with an error item',
			},
			{
				name: 'a wait that times out while look-ups hang',
				parameters: () => ({ ...make, options: { pollInterval: 1, maxWait: 2 } }),
				// Longer than any request the engine allows itself once Max Wait is spent.
				faults: [{ path: '/veo/tasks', kind: 'delay', delayMs: 9000, count: 10 }],
				ends: 'in an error',
			},
			{ name: 'a bad input', parameters: () => ({ ...make, prompt: '={{ "" }}' }), ends: 'in an error' },
		];

		const seen: Array<{ name: string; result: RunNodeResult }> = [];

		it.each(runs.map((run) => [run.name, run] as const))('%s', async (_name, run) => {
			for (const fault of run.faults ?? []) emulator().inject(fault);
			const parameters = await run.parameters();
			// runVeo itself checks the output and the error for the token; this battery looks deeper below.
			const result = await runVeo(emulator(), parameters, run.options).catch((error: Error) => ({ error, items: [] }) as unknown as RunNodeResult);
			const errorItems = result.items.filter((item) => typeof item.json.error === 'string');
			const ended = result.error ? 'in an error' : errorItems.length > 0 ? 'with an error item' : 'well';
			expect(ended).toBe(run.ends);
			seen.push({ name: run.name, result });
			const shown = everyString([result.items, result.error]).join('\n');
			expect(shown).not.toContain(TOKEN);
		});

		it('not in any output item, error (message, description, cause, context, response) or log line of the whole battery', () => {
			expect(seen).toHaveLength(runs.length);
			const everything = everyString(seen.map(({ result }) => [result.items, result.error]));
			expect(everything.length).toBeGreaterThan(100);
			const leaks = everything.filter((text) => text.includes(TOKEN));
			expect(leaks).toEqual([]);
			expect(logs.length).toBeGreaterThan(0);
			expect(logs.filter((line) => line.includes(TOKEN))).toEqual([]);
			// The service really did echo it: the scrubbing, not luck, kept it out.
			expect(everything.some((text) => text.includes('Bearer ***'))).toBe(true);
		});
	});

	describe('the credential Base URL', () => {
		it.each([
			['ftp://api.acedata.cloud'],
			['javascript:alert(1)'],
			['file:///etc/passwd'],
			['api.acedata.cloud'],
			['sk-pasted-into-the-wrong-field-0123456789'],
		])('refuses %s with a NodeOperationError naming the Base URL field, before any request', async (baseUrl) => {
			for (const parameters of [{ operation: 'getTask', taskIds: 'a' }, { operation: 'textToVideo', prompt: 'p', waitForCompletion: false }]) {
				const result = await runVeo(emulator(), parameters, { baseUrl });
				expect(result.error).toBeInstanceOf(NodeOperationError);
				expect(result.error?.message).toBe("The 'Base URL' of the Ace Data Cloud API credential is not an http or https address");
				expect((result.error as NodeOperationError).description).toMatch(/set Base URL to https:\/\/api\.acedata\.cloud/);
				// The value is not quoted back: it might be a token pasted into the wrong field.
				expect(everyString(result.error).join('\n')).not.toContain('sk-pasted');
			}
			expect(emulator().requests).toHaveLength(0);
		});

		it('accepts a Base URL with a trailing slash', async () => {
			const result = await runVeo(emulator(), { operation: 'getTask', taskIds: await createTask() }, { baseUrl: `${emulator().baseUrl}/` });
			expect(result.error).toBeUndefined();
			expect(emulator().queries()[0].path).toBe('/veo/tasks');
		});
	});

	describe('redirects', () => {
		let elsewhere: TinyServer;
		let redirecting: TinyServer;
		beforeEach(async () => {
			elsewhere = await tinyServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"task_id":"stolen","items":[]}'));
			redirecting = await tinyServer((req, res) => res.writeHead(302, { location: `${elsewhere.url}${req.url}` }).end());
		});
		afterEach(async () => {
			await Promise.all([elsewhere.close(), redirecting.close()]);
		});

		it.each<[string, INodeParameters]>([
			['a submit', { operation: 'textToVideo', prompt: 'p', waitForCompletion: false }],
			['a look-up', { operation: 'getTask', taskIds: 'a' }],
			['a batch look-up', { operation: 'getTask', taskIds: 'a, b' }],
		])('on %s are not followed: the other host gets nothing and the error points at the Base URL', async (_case, parameters) => {
			const result = await runVeo(emulator(), parameters, { baseUrl: redirecting.url });
			expect(redirecting.requests.length).toBeGreaterThanOrEqual(1);
			expect(redirecting.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
			expect(elsewhere.requests).toEqual([]);
			expect(result.error?.message).toMatch(/redirect: check the Base URL/);
		});
	});

	describe('downloads', () => {
		it('send no Authorization header to the video host', async () => {
			const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p', downloadVideo: true, options: { pollInterval: 1 } });
			expect(result.error).toBeUndefined();
			expect(emulator().downloads()).toHaveLength(1);
			expect(emulator().downloads()[0].headers.authorization).toBeUndefined();
			expect(emulator().requestsTo('/veo/videos')[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		});

		describe('from a video URL the service gives', () => {
			let api: TinyServer;
			let cdn: TinyServer;
			let videoUrl: string;
			const record = (taskId: string): IDataObject => ({
				id: taskId,
				trace_id: 'trace-1',
				created_at: Date.now() / 1000,
				request: { action: 'text2video', model: 'veo3', prompt: 'p' },
				response: { success: true, task_id: taskId, data: [{ id: 'v'.repeat(32), video_url: videoUrl, state: 'succeeded' }] },
			});
			beforeEach(async () => {
				api = await tinyServer((_req, res, body) => {
					const { id } = JSON.parse(body) as { id: string };
					res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record(id)));
				});
				cdn = await tinyServer((req, res) => res.writeHead(302, { location: `${emulator().baseUrl}${req.url}` }).end());
			});
			afterEach(async () => {
				await Promise.all([api.close(), cdn.close()]);
			});

			it('follow a CDN redirect, still without any Authorization header', async () => {
				const taskId = await createTask();
				videoUrl = `${cdn.url}/files/${taskId}.mp4`;
				const result = await runVeo(emulator(), { operation: 'getTask', taskIds: taskId, downloadVideo: true }, { baseUrl: api.url });

				expect(result.error).toBeUndefined();
				expect((await result.readBinary(result.items[0])).equals(emulator().videoBytes(taskId))).toBe(true);
				expect(api.requests[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
				expect(cdn.requests).toHaveLength(1);
				expect(cdn.requests[0].headers.authorization).toBeUndefined();
				expect(emulator().downloads()[0].headers.authorization).toBeUndefined();
			});

			it('refuse a video address that is not http(s), without trying again', async () => {
				videoUrl = 'file:///etc/passwd';
				const result = await runVeo(emulator(), { operation: 'getTask', taskIds: 'task-1', downloadVideo: true }, { baseUrl: api.url, continueOnFail: true });
				expect(result.items.map((item) => item.json)).toEqual([
					expect.objectContaining({ taskId: 'task-1', error: expect.stringMatching(/the service gave a video address that is not an http\(s\) address \[item 0\]$/) }),
				]);
				expect(result.durationMs).toBeLessThan(1000);
			});
		});
	});

	describe('the package', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

		it('has no runtime dependencies, so `npm audit --omit=dev` has nothing to audit', () => {
			expect(Object.keys((pkg.dependencies as object | undefined) ?? {})).toEqual([]);
			expect(pkg.bundleDependencies ?? pkg.bundledDependencies).toBeUndefined();
			expect(pkg.optionalDependencies).toBeUndefined();
			expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		});

		it('publishes only dist/, package.json, README.md, LICENSE and index.js', async () => {
			if (!existsSync(join(ROOT, 'dist', 'nodes', 'Veo', 'Veo.node.js'))) {
				throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before running Jest)');
			}
			const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
			const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
			const paths = packed.files.map((file) => file.path);

			expect(paths.filter((path) => !/^(dist\/.+|package\.json|README\.md|LICENSE|index\.js)$/.test(path))).toEqual([]);
			for (const path of ['package.json', 'README.md', 'LICENSE', 'index.js']) expect(paths).toContain(path);
			// Everything n8n loads is in it: the node, the credential, their icons and the codex file.
			const n8n = pkg.n8n as { nodes: string[]; credentials: string[] };
			for (const path of [...n8n.nodes, ...n8n.credentials]) expect(paths).toContain(path);
			for (const icon of ['veo.svg', 'veo.dark.svg', 'acedatacloud.svg', 'acedatacloud.dark.svg']) expect(paths).toContain(`dist/icons/${icon}`);
			expect(paths).toContain('dist/nodes/Veo/Veo.node.json');
			// Nothing from development: no TypeScript sources, tests, benchmarks or secrets.
			expect(paths.filter((path) => /\.ts$/.test(path) && !/\.d\.ts$/.test(path))).toEqual([]);
			expect(paths.filter((path) => /(^|\/)(test|bench|scripts|examples|\.env|\.npmrc)/.test(path))).toEqual([]);
		});
	});
});
