import http from 'node:http';

import { FILES_PATH, PlatformFilesEmulator } from './platformFiles';
import { VeoEmulator } from './VeoEmulator';

/** Hostile answers of the API and of the files endpoint: what a client that must bound them meets. */
describe('hostile API answers', () => {
	const emu = new VeoEmulator({ token: 'tok-hostile' });
	beforeAll(async () => await emu.start());
	afterAll(async () => await emu.stop());
	beforeEach(() => emu.reset());

	/** POSTs `body` and collects what arrives for `forMs`, then leaves: { status, bytes, text }. */
	const collect = (path: string, body: unknown, forMs: number, limit = 4 * 1024 * 1024) =>
		new Promise<{ status: number; bytes: number; text: string }>((resolve, reject) => {
			const req = http.request(`${emu.baseUrl}${path}`, { method: 'POST', headers: { authorization: 'Bearer tok-hostile', 'content-type': 'application/json' } }, (res) => {
				const chunks: Buffer[] = [];
				let bytes = 0;
				const done = () => {
					res.destroy();
					resolve({ status: res.statusCode ?? 0, bytes, text: Buffer.concat(chunks).toString('utf8') });
				};
				const timer = setTimeout(done, forMs);
				res.on('data', (chunk: Buffer) => {
					bytes += chunk.length;
					if (bytes <= limit) chunks.push(chunk);
					else {
						clearTimeout(timer);
						done();
					}
				});
				res.on('end', () => {
					clearTimeout(timer);
					done();
				});
			});
			req.on('error', reject);
			req.end(JSON.stringify(body));
		});

	it("'endless' on a query sends the answer without its end, then spaces for ever", async () => {
		emu.inject({ path: '/veo/tasks', kind: 'endless' });
		const answer = await collect('/veo/tasks', { action: 'retrieve_batch', ids: [] }, 5000, 2 * 1024 * 1024);
		expect(answer.status).toBe(200);
		expect(answer.bytes).toBeGreaterThan(2 * 1024 * 1024);
		expect(answer.text.startsWith('{"items":[],"count":0')).toBe(true);
		expect(answer.text.trimEnd()).toBe('{"items":[],"count":0');
	});

	it("'trickle' on a create sends its answer a byte a second, and the task is created all the same", async () => {
		emu.inject({ path: '/veo/videos', kind: 'trickle' });
		const answer = await collect('/veo/videos', { action: 'text2video', model: 'veo3', prompt: 'slow', async: true }, 2500);
		expect(answer.status).toBe(200);
		// At 0, 1 and 2 s (one more or less on a busy machine).
		expect(answer.text.length).toBeGreaterThanOrEqual(2);
		expect(answer.text.length).toBeLessThanOrEqual(4);
		expect('{"success":true'.startsWith(answer.text)).toBe(true);
		expect(emu.creates()).toHaveLength(1);
	});

	it("'stall' sends half of the answer, then nothing", async () => {
		emu.inject({ path: '/veo/tasks', kind: 'stall' });
		const answer = await collect('/veo/tasks', { action: 'retrieve_batch', ids: [] }, 1500);
		expect(answer.text).toBe('{"items":[]');
	});

	describe('the files endpoint', () => {
		const platform = new PlatformFilesEmulator();
		beforeAll(async () => await platform.start());
		afterAll(async () => await platform.stop());

		it("'signed-url' answers a file_url carrying the platform token as a query signature", async () => {
			platform.inject({ kind: 'signed-url' });
			const form = new FormData();
			form.append('file', new Blob([Buffer.from('89504e470d0a1a0a', 'hex')], { type: 'image/png' }), 'a.png');
			const answer = await fetch(`${platform.baseUrl}${FILES_PATH}`, { method: 'POST', body: form, headers: { authorization: `Bearer ${platform.token}` } });
			const { file_url: fileUrl } = (await answer.json()) as { file_url: string };
			expect(fileUrl).toMatch(new RegExp(`/cdn/[0-9a-f]{10}\\.png\\?signature=${platform.token}$`));
		});
	});
});
