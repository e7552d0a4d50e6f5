import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { VeoEmulator } from './VeoEmulator';
import type { VeoEmulatorOptions, TaskRecord, RetrieveBatchResponse, SuccessResponse, FailureResponse } from './VeoEmulator';
import { videoSlice } from './video';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const T0 = Date.UTC(2025, 6, 25, 16, 7, 43);

interface Answer<T = any> {
	status: number;
	headers: Headers;
	body: T;
}

/** A manual clock: time moves only when a test says so. */
class Clock {
	ms = T0;
	readonly now = () => this.ms;
	advance(ms: number): void {
		this.ms += ms;
	}
}

let emu: VeoEmulator;
let clock: Clock;

async function startEmulator(options: VeoEmulatorOptions = {}): Promise<VeoEmulator> {
	await emu?.stop();
	clock = new Clock();
	emu = new VeoEmulator({ now: clock.now, pendingMs: 1000, runningMs: 2000, ...options });
	await emu.start();
	return emu;
}

async function post<T = any>(path: string, body: unknown, token: string | null = emu.token): Promise<Answer<T>> {
	const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
	if (token !== null) headers.authorization = `Bearer ${token}`;
	const res = await fetch(emu.baseUrl + path, {
		method: 'POST',
		headers,
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	const text = await res.text();
	let parsed: unknown = text;
	try {
		parsed = JSON.parse(text);
	} catch {
		// keep the raw text for the assertions
	}
	return { status: res.status, headers: res.headers, body: parsed as T };
}

const TEXT2VIDEO = { action: 'text2video', model: 'veo31-fast', prompt: 'a cat surfing', async: true };

function create(body: Record<string, unknown> = TEXT2VIDEO, token?: string | null) {
	return post<{ success: boolean; task_id: string; trace_id: string }>('/veo/videos', body, token);
}

function retrieve(id: string, token?: string) {
	return post<TaskRecord>('/veo/tasks', { action: 'retrieve', id }, token);
}

function retrieveBatch(body: Record<string, unknown>, token?: string) {
	return post<RetrieveBatchResponse>('/veo/tasks', { action: 'retrieve_batch', ...body }, token);
}

/** Creates a task and lets it succeed; returns its id and video id. */
async function finishedTask(body: Record<string, unknown> = TEXT2VIDEO): Promise<{ taskId: string; videoId: string }> {
	const { body: created } = await create(body);
	clock.advance(3000);
	const record = (await retrieve(created.task_id)).body;
	return { taskId: created.task_id, videoId: (record.response as SuccessResponse).data[0].id };
}

function expectError(answer: Answer, status: number, code: string, message?: string | RegExp): void {
	expect(answer.status).toBe(status);
	expect(answer.headers.get('content-type')).toBe('application/json');
	expect(answer.body.error.code).toBe(code);
	if (message !== undefined) expect(answer.body.error.message).toMatch(message);
	expect(answer.body.trace_id).toMatch(UUID);
}

beforeEach(async () => {
	await startEmulator();
});

afterAll(async () => {
	await emu.stop();
});

describe('server', () => {
	it('listens on 127.0.0.1 with a free port and reports its base URL', () => {
		expect(emu.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	});

	it('answers 404 no_api for unknown paths and methods', async () => {
		expectError(await post('/veo/upsample', TEXT2VIDEO), 404, 'no_api');
		const get = await fetch(`${emu.baseUrl}/veo/videos`);
		expect(get.status).toBe(404);
		expect(((await get.json()) as { error: { code: string } }).error.code).toBe('no_api');
	});

	it('logs every request with lower-cased headers, parsed body, clock and answered status', async () => {
		await create();
		await post('/veo/tasks', 'not json');
		expect(emu.requests).toHaveLength(2);
		const [first, second] = emu.requests;
		expect(first).toMatchObject({ method: 'POST', path: '/veo/videos', body: TEXT2VIDEO, at: T0, status: 200 });
		expect(first.headers.authorization).toBe('Bearer test-token');
		expect(first.taskId).toEqual(expect.any(String));
		expect(second).toMatchObject({ body: 'not json', status: 400 });
	});
});

describe('authentication', () => {
	it('rejects a missing or wrong token with 401 invalid_token on both endpoints', async () => {
		expectError(await create(TEXT2VIDEO, null), 401, 'invalid_token', 'the token is invalid');
		expectError(await post('/veo/tasks', { action: 'retrieve_batch', ids: [] }, 'nope'), 401, 'invalid_token');
		expect(emu.listTasks()).toHaveLength(0);
	});

	it('accepts the extra tokens, each seeing only its own tasks', async () => {
		await startEmulator({ tokens: ['second'] });
		const { body } = await create(TEXT2VIDEO, 'second');
		expect((await retrieve(body.task_id, 'second')).status).toBe(200);
		expectError(await retrieve(body.task_id), 404, 'not_found');
	});

	it('answers 401 token_expired for an expired token', async () => {
		emu.expireToken('test-token');
		expectError(await create(), 401, 'token_expired');
	});
});

describe('create validation', () => {
	const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
		['retired veo2', { ...TEXT2VIDEO, model: 'veo2' }, /model is not supported/],
		['retired veo2-fast', { ...TEXT2VIDEO, model: 'veo2-fast' }, /model is not supported/],
		['unknown model', { ...TEXT2VIDEO, model: 'sora' }, /model is not supported/],
		['1:1 ratio', { ...TEXT2VIDEO, aspect_ratio: '1:1' }, /aspect_ratio/],
		['4k with veo3', { ...TEXT2VIDEO, model: 'veo3', resolution: '4k' }, /4k/],
		['4k with veo31 image2video', { action: 'image2video', model: 'veo31', prompt: 'p', image_urls: ['https://x/a.png'], resolution: '4k' }, /4k/],
		['720p resolution', { ...TEXT2VIDEO, resolution: '720p' }, /resolution/],
		['image2video without images', { ...TEXT2VIDEO, action: 'image2video' }, /image_urls is invalid when generate videos/],
		['image2video with 3 images', { ...TEXT2VIDEO, action: 'image2video', image_urls: ['a', 'b', 'c'] }, /image_urls/],
		['ingredients2video with 4 images', { ...TEXT2VIDEO, action: 'ingredients2video', image_urls: ['a', 'b', 'c', 'd'] }, /image_urls/],
		['ingredients2video without images', { ...TEXT2VIDEO, action: 'ingredients2video' }, /image_urls/],
		['image_urls not an array', { ...TEXT2VIDEO, action: 'image2video', image_urls: 'https://x/a.png' }, /image_urls/],
		['the get_1080p typo', { action: 'get_1080p', video_id: 'abc' }, /action/],
		['missing action', { prompt: 'p' }, /action is required/],
		['non-string prompt', { ...TEXT2VIDEO, prompt: 42 }, /prompt/],
		['empty prompt', { ...TEXT2VIDEO, prompt: '  ' }, /prompt is required/],
		['ingredients model from text', { ...TEXT2VIDEO, model: 'veo31-fast-ingredients' }, /text/],
		['non-boolean translation', { ...TEXT2VIDEO, translation: 'yes' }, /translation/],
		['non-boolean async', { ...TEXT2VIDEO, async: 'true' }, /async/],
		['callback_url not a URL', { ...TEXT2VIDEO, callback_url: 'nowhere' }, /callback_url/],
		['get1080p without video_id', { action: 'get1080p' }, /video_id is invalid/],
		['get1080p with an unknown video_id', { action: 'get1080p', video_id: 'f'.repeat(32) }, /video_id is invalid/],
	];

	it.each(invalid)('rejects %s with 400 bad_request and creates nothing', async (_name, body, message) => {
		expectError(await create(body), 400, 'bad_request', message);
		expect(emu.listTasks()).toHaveLength(0);
		expect(emu.creates()).toHaveLength(0);
	});

	it('rejects a body that is not JSON or not an object', async () => {
		expectError(await post('/veo/videos', '{"action":'), 400, 'bad_request', /JSON/);
		expectError(await post('/veo/videos', [TEXT2VIDEO]), 400, 'bad_request');
	});

	it.each([
		['4k with veo31 text2video', { ...TEXT2VIDEO, model: 'veo31', resolution: '4k' }, 'veo31'],
		['image2video with first and last frame', { ...TEXT2VIDEO, action: 'image2video', image_urls: ['a', 'b'] }, 'veo31-fast'],
		['no model (server default)', { action: 'text2video', prompt: 'p', async: true }, 'veo3-fast'],
		['9:16 gif with translation', { ...TEXT2VIDEO, aspect_ratio: '9:16', resolution: 'gif', translation: true }, 'veo31-fast'],
		['ingredients2video (model forced)', { ...TEXT2VIDEO, action: 'ingredients2video', image_urls: ['a', 'b', 'c'] }, 'veo31-fast-ingredients'],
		['null optional fields', { ...TEXT2VIDEO, aspect_ratio: null, resolution: null, callback_url: null }, 'veo31-fast'],
	])('accepts %s', async (_name, body, model) => {
		const answer = await create(body);
		expect(answer.status).toBe(200);
		expect(emu.getTask(answer.body.task_id)?.model).toBe(model);
	});
});

describe('task lifecycle', () => {
	it('answers an async create at once, then goes pending → running → succeeded on the clock', async () => {
		const created = await create();
		expect(created.status).toBe(200);
		expect(created.headers.get('content-type')).toBe('application/json');
		expect(created.body).toEqual({ success: true, task_id: expect.stringMatching(UUID), trace_id: expect.stringMatching(UUID) });
		const id = created.body.task_id;

		const pending = (await retrieve(id)).body;
		expect(pending).toEqual({
			_id: expect.stringMatching(/^[0-9a-f]{24}$/),
			id,
			trace_id: created.body.trace_id,
			type: 'videos',
			api_id: expect.stringMatching(UUID),
			user_id: expect.stringMatching(UUID),
			created_at: T0 / 1000,
			request: TEXT2VIDEO,
		});

		clock.advance(1000);
		const running = (await retrieve(id)).body;
		expect(running.finished_at).toBeUndefined();
		expect(running.response).toEqual({
			success: true,
			task_id: id,
			trace_id: created.body.trace_id,
			data: [{ id: expect.stringMatching(/^[0-9a-f]{32}$/), created_at: '2025-07-25 16:07:43', state: 'running' }],
		});

		clock.advance(2000);
		const done = (await retrieve(id)).body;
		const data = (done.response as SuccessResponse).data[0];
		expect(done.finished_at).toBe((T0 + 3000) / 1000);
		expect(data).toEqual({
			id: (running.response as SuccessResponse).data[0].id,
			video_url: `${emu.baseUrl}/files/${id}.mp4`,
			created_at: '2025-07-25 16:07:43',
			complete_at: '2025-07-25 16:07:46',
			state: 'succeeded',
		});
		expect(emu.getTask(id)).toMatchObject({ state: 'succeeded', finishAt: T0 + 3000, outcome: { kind: 'succeed' } });
	});

	it('blocks a create without async or callback until the task ends, then answers the full body', async () => {
		const answer = post<SuccessResponse>('/veo/videos', { action: 'text2video', prompt: 'slow' });
		await new Promise((resolve) => setTimeout(resolve, 30));
		expect(emu.listTasks()).toHaveLength(1);
		expect(emu.requests[0].status).toBeUndefined();
		clock.advance(3000);
		const { status, body } = await answer;
		expect(status).toBe(200);
		expect(body.success).toBe(true);
		expect(body.data[0]).toMatchObject({ state: 'succeeded', video_url: expect.stringContaining('/files/'), complete_at: expect.stringMatching(DATE) });
	});

	it('answers a blocking create 504 timeout after blockingTimeoutMs, leaving the task alive', async () => {
		await startEmulator({ blockingTimeoutMs: 500 });
		const answer = post('/veo/videos', { action: 'text2video', prompt: 'slow' });
		await new Promise((resolve) => setTimeout(resolve, 20));
		clock.advance(600);
		expectError(await answer, 504, 'timeout');
		expect(emu.listTasks()[0].state).toBe('pending');
	});

	it('runs the blocking form on the real clock too', async () => {
		await emu.stop();
		emu = new VeoEmulator({ pendingMs: 20, runningMs: 30 });
		await emu.start();
		const started = Date.now();
		const { body } = await post<SuccessResponse>('/veo/videos', { action: 'text2video', prompt: 'real time' });
		expect(Date.now() - started).toBeGreaterThanOrEqual(45);
		expect(body.data[0].state).toBe('succeeded');
	});

	it('makes a get1080p task that reports the source video id and its own video url', async () => {
		const source = await finishedTask();
		const up = await create({ action: 'get1080p', video_id: source.videoId, async: true });
		expect(up.status).toBe(200);
		clock.advance(3000);
		const record = (await retrieve(up.body.task_id)).body;
		expect((record.response as SuccessResponse).data[0]).toMatchObject({
			id: source.videoId,
			video_url: `${emu.baseUrl}/files/${up.body.task_id}.mp4`,
			state: 'succeeded',
		});
	});

	it('refuses get1080p of a video that is not finished yet, or given by task id', async () => {
		const { body } = await create();
		clock.advance(1500);
		const videoId = ((await retrieve(body.task_id)).body.response as SuccessResponse).data[0].id;
		expectError(await create({ action: 'get1080p', video_id: videoId, async: true }), 400, 'bad_request', 'video_id is invalid');
		clock.advance(2000);
		expectError(await create({ action: 'get1080p', video_id: body.task_id, async: true }), 400, 'bad_request', 'video_id is invalid');
	});
});

describe('varying task durations', () => {
	afterAll(async () => {
		await startEmulator();
	});

	const durations = async (options: VeoEmulatorOptions) => {
		await startEmulator({ durationSpread: 0.5, ...options });
		for (let index = 0; index < 20; index++) await create();
		return emu.listTasks().map((task) => (task.finishAt as number) - task.createdAt);
	};

	it('vary within ±spread around pendingMs + runningMs, the same for the same seed, again after reset()', async () => {
		const first = await durations({ seed: 5 });
		expect(Math.min(...first)).toBeGreaterThanOrEqual(1500);
		expect(Math.max(...first)).toBeLessThanOrEqual(4500);
		expect(new Set(first).size).toBeGreaterThan(10);
		emu.reset();
		for (let index = 0; index < 20; index++) await create();
		expect(emu.listTasks().map((task) => (task.finishAt as number) - task.createdAt)).toEqual(first);
		expect(await durations({ seed: 5 })).toEqual(first);
		expect(await durations({ seed: 6 })).not.toEqual(first);
	});
});

describe('failTask, slowTask and neverFinish', () => {
	it('fails tasks whose prompt contains the string, with the default error', async () => {
		emu.failTask('forbidden');
		const bad = await create({ ...TEXT2VIDEO, prompt: 'something forbidden' });
		const good = await create({ ...TEXT2VIDEO, prompt: 'something fine' });
		clock.advance(1000);
		expect(((await retrieve(bad.body.task_id)).body.response as SuccessResponse).data[0].state).toBe('running');
		clock.advance(2000);
		const failed = (await retrieve(bad.body.task_id)).body;
		expect(failed.response).toEqual({
			success: false,
			task_id: bad.body.task_id,
			trace_id: bad.body.trace_id,
			error: { code: 'CONTENT_REJECTED', message: expect.any(String) },
		});
		expect(failed.finished_at).toBe((T0 + 3000) / 1000);
		expect(emu.getTask(good.body.task_id)?.state).toBe('succeeded');
	});

	it('fails tasks matched by a predicate, with the given error, and answers a blocking create with it', async () => {
		emu.failTask((request) => request.aspect_ratio === '9:16', { code: 'forbidden', message: 'no portrait today' });
		const answer = post<FailureResponse>('/veo/videos', { action: 'text2video', prompt: 'p', aspect_ratio: '9:16' });
		await new Promise((resolve) => setTimeout(resolve, 20));
		clock.advance(3000);
		const { status, body } = await answer;
		expect(status).toBe(200);
		expect(body).toMatchObject({ success: false, error: { code: 'forbidden', message: 'no portrait today' } });
	});

	it('makes matching tasks render longer, then succeed', async () => {
		emu.slowTask('slowly', 60_000);
		const slow = await create({ ...TEXT2VIDEO, prompt: 'a snail, slowly' });
		const quick = await create({ ...TEXT2VIDEO, prompt: 'a hare' });
		clock.advance(3000);
		expect(emu.getTask(quick.body.task_id)?.state).toBe('succeeded');
		expect(((await retrieve(slow.body.task_id)).body.response as SuccessResponse).data[0].state).toBe('running');
		clock.advance(60_000);
		const done = (await retrieve(slow.body.task_id)).body;
		expect(done.finished_at).toBe((T0 + 63_000) / 1000);
		expect((done.response as SuccessResponse).data[0].state).toBe('succeeded');
	});

	it('keeps matching tasks running forever', async () => {
		emu.neverFinish('stuck');
		const { body } = await create({ ...TEXT2VIDEO, prompt: 'stuck forever' });
		clock.advance(24 * 3600 * 1000);
		const record = (await retrieve(body.task_id)).body;
		expect(record.finished_at).toBeUndefined();
		expect((record.response as SuccessResponse).data[0].state).toBe('running');
		expect(emu.getTask(body.task_id)?.finishAt).toBeNull();
	});
});

describe('POST /veo/tasks', () => {
	it('retrieves by trace_id too, and answers 404 not_found for unknown ids', async () => {
		const { body } = await create();
		const byTrace = await post<TaskRecord>('/veo/tasks', { action: 'retrieve', trace_id: body.trace_id });
		expect(byTrace.body.id).toBe(body.task_id);
		expectError(await retrieve('00000000-0000-4000-8000-000000000000'), 404, 'not_found', 'task not found');
	});

	it('answers retrieve_batch with known records in creation order', async () => {
		const a = (await create()).body.task_id;
		clock.advance(10);
		const b = (await create()).body.task_id;
		const { status, body } = await retrieveBatch({ ids: [b, 'unknown', a] });
		expect(status).toBe(200);
		expect(body.count).toBe(2);
		expect(body.items.map((item) => item.id)).toEqual([a, b]);
	});

	it('treats ids: [] as the free credential test, which still checks the token', async () => {
		await create();
		expect((await retrieveBatch({ ids: [] })).body).toEqual({ items: [], count: 0 });
		expectError(await retrieveBatch({ ids: [] }, 'wrong'), 401, 'invalid_token');
	});

	it('lists tasks by creation window with offset and limit when ids are absent', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 4; i++) {
			ids.push((await create()).body.task_id);
			clock.advance(1000);
		}
		const window = { created_at_min: (T0 + 1000) / 1000, created_at_max: (T0 + 3000) / 1000 };
		expect((await retrieveBatch(window)).body.items.map((item) => item.id)).toEqual(ids.slice(1));
		const page = (await retrieveBatch({ ...window, offset: 1, limit: 1 })).body;
		expect(page).toEqual({ items: [expect.objectContaining({ id: ids[2] })], count: 3 });
	});

	it('rejects more than 50 ids, a missing action and an unknown action', async () => {
		const ids = Array.from({ length: 51 }, (_, i) => `id-${i}`);
		expectError(await retrieveBatch({ ids }), 400, 'bad_request');
		expectError(await post('/veo/tasks', { id: 'x' }), 400, 'bad_request', /action/);
		expectError(await post('/veo/tasks', { action: 'delete', id: 'x' }), 400, 'bad_request', /action/);
	});
});

describe('limits', () => {
	it('answers 429 over maxInFlight without creating anything, with Retry-After when configured', async () => {
		await startEmulator({ maxInFlight: 2, retryAfterSeconds: 7 });
		await create();
		await create();
		const refused = await create();
		expectError(refused, 429, 'too_many_requests');
		expect(refused.headers.get('retry-after')).toBe('7');
		expect(emu.listTasks()).toHaveLength(2);
		expect(emu.creates()).toHaveLength(2);
		clock.advance(3000);
		expect((await create()).status).toBe(200);
	});

	it('counts never-finishing tasks as in flight', async () => {
		await startEmulator({ maxInFlight: 1 });
		emu.neverFinish(() => true);
		await create();
		clock.advance(60_000);
		expectError(await create(), 429, 'too_many_requests');
	});

	it('answers 429 to a create sooner than 1/rate after the last accepted one', async () => {
		await startEmulator({ submitsPerSecond: 0.5 });
		expect((await create()).status).toBe(200);
		clock.advance(1999);
		const refused = await create();
		expectError(refused, 429, 'too_many_requests');
		expect(refused.headers.get('retry-after')).toBeNull();
		clock.advance(1);
		expect((await create()).status).toBe(200);
		expect(emu.listTasks()).toHaveLength(2);
	});

	it('does not rate-limit queries', async () => {
		await startEmulator({ submitsPerSecond: 0.5 });
		for (let i = 0; i < 5; i++) expect((await retrieveBatch({ ids: [] })).status).toBe(200);
	});
});

describe('injected faults', () => {
	it('status: answers the status in the service error shape, creating nothing', async () => {
		emu.inject({ path: '/veo/videos', kind: 'status', status: 503 });
		expectError(await create(), 503, 'api_error');
		expect(emu.listTasks()).toHaveLength(0);
		expect(emu.requests[0]).toMatchObject({ status: 503, fault: 'status' });
		expect((await create()).status).toBe(200);
	});

	it('status: sends a custom body and headers, count times', async () => {
		emu.inject({ path: '/veo/tasks', kind: 'status', status: 429, count: 2, body: { error: { code: 'rate_limited', message: 'slow down' } }, headers: { 'Retry-After': '3' } });
		for (let i = 0; i < 2; i++) {
			const answer = await post('/veo/tasks', { action: 'retrieve_batch', ids: [] });
			expect(answer.status).toBe(429);
			expect(answer.body.error.code).toBe('rate_limited');
			expect(answer.headers.get('retry-after')).toBe('3');
		}
		expect((await retrieveBatch({ ids: [] })).status).toBe(200);
		expect(emu.pendingFaults()).toEqual([]);
	});

	it('drop-before: closes the socket without an answer and without a task', async () => {
		emu.inject({ path: '/veo/videos', kind: 'drop-before' });
		await expect(create()).rejects.toThrow();
		expect(emu.listTasks()).toHaveLength(0);
		expect(emu.requests[0].fault).toBe('drop-before');
		expect(emu.requests[0].status).toBeUndefined();
	});

	it('drop-after-create: creates the (paid) task, then closes the socket without an answer', async () => {
		emu.inject({ path: '/veo/videos', kind: 'drop-after-create' });
		await expect(create()).rejects.toThrow();
		expect(emu.listTasks()).toHaveLength(1);
		expect(emu.creates()).toHaveLength(1);
		expect(emu.creates()[0].status).toBeUndefined();
	});

	it('drop-after-create also cuts a blocking create right after creating', async () => {
		emu.inject({ path: '/veo/videos', kind: 'drop-after-create' });
		await expect(post('/veo/videos', { action: 'text2video', prompt: 'p' })).rejects.toThrow();
		expect(emu.listTasks()[0].state).toBe('pending');
	});

	it('raw: answers 200 with the raw text', async () => {
		emu.inject({ path: '/veo/tasks', kind: 'raw', body: '<html>Bad gateway</html>', headers: { 'content-type': 'text/html' } });
		emu.inject({ path: '/veo/tasks', kind: 'raw', body: '' });
		const html = await post('/veo/tasks', { action: 'retrieve_batch', ids: [] });
		expect(html).toMatchObject({ status: 200, body: '<html>Bad gateway</html>' });
		expect(html.headers.get('content-type')).toBe('text/html');
		const empty = await post('/veo/tasks', { action: 'retrieve_batch', ids: [] });
		expect(empty).toMatchObject({ status: 200, body: '' });
		expect(empty.headers.get('content-type')).toBe('application/json');
	});

	it('delay: waits the real delay, then handles the request normally', async () => {
		emu.inject({ path: '/veo/videos', kind: 'delay', delayMs: 150 });
		const started = Date.now();
		const answer = await create();
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
		expect(answer.status).toBe(200);
		expect(emu.creates()[0].fault).toBe('delay');
	});

	it('late-create: answers 504 at once, as a gateway that gave up, and creates the task later', async () => {
		emu.inject({ path: '/veo/videos', kind: 'late-create', delayMs: 150 });
		const answer = await create();
		expect(answer.status).toBe(504);
		expect((answer.body as unknown as { error: { code: string } }).error.code).toBe('timeout');
		expect(emu.listTasks()).toHaveLength(0);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(emu.listTasks()).toHaveLength(1);
		expect(emu.creates()[0]).toMatchObject({ status: 504, fault: 'late-create', taskId: emu.listTasks()[0].id });
	});

	it('rejects faults that would never fire', () => {
		expect(() => emu.inject({ path: '/veo/tasks', kind: 'drop-after-create' })).toThrow(TypeError);
		expect(() => emu.inject({ path: '/veo/videos', kind: 'truncate' })).toThrow(TypeError);
		expect(() => emu.inject({ path: '/veo/videos', kind: 'status', count: 0 })).toThrow(TypeError);
	});

	describe('on downloads', () => {
		let url: string;
		beforeEach(async () => {
			url = emu.videoUrl((await finishedTask()).taskId);
		});

		it('status: answers that status', async () => {
			emu.inject({ path: 'download', kind: 'status', status: 403 });
			expect((await fetch(url)).status).toBe(403);
			expect((await fetch(url)).status).toBe(200);
		});

		it('raw: answers an HTML page by default', async () => {
			emu.inject({ path: 'download', kind: 'raw', body: '<html>Access denied</html>' });
			const res = await fetch(url);
			expect(res.status).toBe(200);
			expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
			expect(await res.text()).toBe('<html>Access denied</html>');
		});

		it('truncate: promises the full length, sends half, then cuts', async () => {
			await startEmulator({ videoSize: 1024 * 1024 });
			url = emu.videoUrl((await finishedTask()).taskId);
			emu.inject({ path: 'download', kind: 'truncate' });
			const res = await fetch(url);
			expect(res.headers.get('content-length')).toBe(String(1024 * 1024));
			await expect(res.arrayBuffer()).rejects.toThrow();
			expect(emu.downloads()[0]).toMatchObject({ status: 200, fault: 'truncate' });
		});

		it('drop-before: closes the socket', async () => {
			emu.inject({ path: 'download', kind: 'drop-before' });
			await expect(fetch(url)).rejects.toThrow();
		});
	});
});

describe('GET /files/<taskId>.mp4', () => {
	it('answers 404 until the task has succeeded, and for failed tasks', async () => {
		emu.failTask('bad');
		const ok = (await create()).body.task_id;
		const bad = (await create({ ...TEXT2VIDEO, prompt: 'bad' })).body.task_id;
		clock.advance(2000);
		expect((await fetch(emu.videoUrl(ok))).status).toBe(404);
		clock.advance(1000);
		expect((await fetch(emu.videoUrl(ok))).status).toBe(200);
		expect((await fetch(emu.videoUrl(bad))).status).toBe(404);
		expect((await fetch(emu.videoUrl('unknown'))).status).toBe(404);
	});

	it('streams exactly videoBytes(), without needing authorization, and records the headers', async () => {
		const { taskId } = await finishedTask();
		const res = await fetch(emu.videoUrl(taskId));
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('video/mp4');
		expect(res.headers.get('content-length')).toBe(String(64 * 1024));
		const bytes = Buffer.from(await res.arrayBuffer());
		expect(bytes.equals(emu.videoBytes(taskId))).toBe(true);
		expect(bytes.subarray(4, 12).toString('latin1')).toBe('ftypisom');
		expect(emu.downloads()).toHaveLength(1);
		expect(emu.downloads()[0].headers.authorization).toBeUndefined();

		await fetch(emu.videoUrl(taskId), { headers: { authorization: 'Bearer leaked' } }).then((r) => r.arrayBuffer());
		expect(emu.downloads()[1].headers.authorization).toBe('Bearer leaked');
	});

	it('serves byte ranges and HEAD', async () => {
		const { taskId } = await finishedTask();
		const part = await fetch(emu.videoUrl(taskId), { headers: { range: 'bytes=100-199' } });
		expect(part.status).toBe(206);
		expect(part.headers.get('content-range')).toBe(`bytes 100-199/${64 * 1024}`);
		expect(Buffer.from(await part.arrayBuffer()).equals(emu.videoBytes(taskId).subarray(100, 200))).toBe(true);
		const head = await fetch(emu.videoUrl(taskId), { method: 'HEAD' });
		expect(head.headers.get('content-length')).toBe(String(64 * 1024));
	});

	it('makes deterministic bytes per task id and size', async () => {
		await startEmulator({ videoSize: 100_000 });
		const a = emu.videoBytes('task-a');
		expect(a).toHaveLength(100_000);
		expect(a.equals(emu.videoBytes('task-a'))).toBe(true);
		expect(a.equals(emu.videoBytes('task-b'))).toBe(false);
		expect(a.subarray(36, 40).toString('latin1')).toBe('mdat');
		expect(videoSlice('task-a', 100_000, 70_000, 70_100).equals(a.subarray(70_000, 70_100))).toBe(true);
	});

	// Under a loaded machine the garbage of already-read chunks can wait for the collector, so RSS is only a
	// coarse gauge: half the video is the bound that still fails if the emulator ever holds the whole file.
	it('streams 200 MB without holding it: the process grows by less than half of it', async () => {
		const size = 200 * 1024 * 1024;
		await startEmulator({ videoSize: size });
		const { taskId } = await finishedTask();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		let received = 0;
		const hash = createHash('sha256');
		const res = await fetch(emu.videoUrl(taskId));
		const reader = (res.body as ReadableStream<Uint8Array>).getReader();
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			received += value.length;
			hash.update(value);
			peak = Math.max(peak, process.memoryUsage().rss);
		}
		expect(received).toBe(size);
		expect(peak - baseline).toBeLessThan(size / 2);

		const expected = createHash('sha256');
		for (let pos = 0; pos < size; pos += 4 * 1024 * 1024) expected.update(videoSlice(taskId, size, pos, pos + 4 * 1024 * 1024));
		expect(hash.digest('hex')).toBe(expected.digest('hex'));
	});
});

describe('callbacks', () => {
	let receiver: http.Server;
	let receiverUrl: string;
	let received: unknown[];

	beforeEach(async () => {
		received = [];
		receiver = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
				res.writeHead(204).end();
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});

	afterEach(async () => {
		await new Promise((resolve) => receiver.close(resolve));
	});

	it('answers a create with callback_url at once and POSTs the final body when the task ends', async () => {
		const created = await create({ action: 'text2video', prompt: 'p', callback_url: receiverUrl });
		expect(created.body).toEqual({ success: true, task_id: expect.any(String), trace_id: expect.any(String) });
		clock.advance(3000);
		const [callback] = await emu.waitForCallbacks(1);
		expect(callback).toMatchObject({ taskId: created.body.task_id, url: receiverUrl, status: 204 });
		expect(received).toEqual([callback.body]);
		expect(callback.body).toMatchObject({ success: true, task_id: created.body.task_id, data: [{ state: 'succeeded' }] });
	});

	it("records the receiver's answer", async () => {
		await new Promise((resolve) => receiver.close(resolve));
		receiver = http.createServer((req, res) => {
			req.resume();
			req.on('end', () => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"unknown task"}'));
		});
		await new Promise<void>((resolve) => receiver.listen(Number(new URL(receiverUrl).port), '127.0.0.1', resolve));
		await create({ action: 'text2video', prompt: 'p', callback_url: receiverUrl });
		clock.advance(3000);
		const [callback] = await emu.waitForCallbacks(1);
		expect(callback).toMatchObject({ status: 404, responseBody: '{"error":"unknown task"}' });
	});

	it('POSTs the failure body for a failed task, on the real clock', async () => {
		await emu.stop();
		emu = new VeoEmulator({ pendingMs: 10, runningMs: 20 });
		await emu.start();
		emu.failTask('bad');
		const created = await create({ action: 'text2video', prompt: 'bad', callback_url: receiverUrl, async: true });
		const [callback] = await emu.waitForCallbacks(1);
		expect(callback.body).toEqual({
			success: false,
			task_id: created.body.task_id,
			trace_id: created.body.trace_id,
			error: { code: 'CONTENT_REJECTED', message: expect.any(String) },
		});
	});

	it('records and otherwise ignores a receiver that cannot be reached', async () => {
		await new Promise((resolve) => receiver.close(resolve));
		receiver = http.createServer();
		await create({ action: 'text2video', prompt: 'p', callback_url: receiverUrl });
		clock.advance(3000);
		const [callback] = await emu.waitForCallbacks(1);
		expect(callback.status).toBeUndefined();
		expect(callback.error).toEqual(expect.any(String));
	});
});

describe('reset', () => {
	it('forgets requests, tasks, faults and rules', async () => {
		emu.failTask(() => true);
		emu.inject({ path: '/veo/tasks', kind: 'status', status: 500 });
		await create();
		emu.reset();
		expect(emu.requests).toEqual([]);
		expect(emu.listTasks()).toEqual([]);
		expect(emu.pendingFaults()).toEqual([]);
		const { body } = await create();
		clock.advance(3000);
		expect(emu.getTask(body.task_id)?.state).toBe('succeeded');
	});
});
