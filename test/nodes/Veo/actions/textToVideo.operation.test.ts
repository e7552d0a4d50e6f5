import { TOKEN, createBodies, json, runVeo, useEmulator } from '../fixture';

describe('Text to Video', () => {
	const emulator = useEmulator();

	it('submits the prompt with the bearer token and async, then waits for the video', async () => {
		const result = await runVeo(emulator(), {
			operation: 'textToVideo',
			prompt: 'A white mug on a marble counter',
			options: { pollInterval: 1 },
		});

		expect(result.error).toBeUndefined();
		const creates = emulator().requestsTo('/veo/videos');
		expect(creates).toHaveLength(1);
		expect(creates[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
		expect(creates[0].body).toEqual({
			action: 'text2video',
			model: 'veo31-fast',
			prompt: 'A white mug on a marble counter',
			async: true,
		});

		const [item] = result.items;
		const task = emulator().listTasks()[0];
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			taskId: task.id,
			state: 'succeeded',
			videoUrl: emulator().videoUrl(task.id),
			error: null,
		});
		expect(item.json.videoId).toMatch(/^[0-9a-f]{32}$/);
		expect(item.json.videos).toHaveLength(1);
		expect(typeof item.json.traceId).toBe('string');
		expect(item.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
		expect(item.json.completedAt).toBeTruthy();
		expect((item.json.raw as { request: unknown }).request).toEqual(creates[0].body);
		expect(item.binary).toBeUndefined();
	});

	it('sends only the options the user set', async () => {
		await runVeo(emulator(), {
			operation: 'textToVideo',
			prompt: 'p',
			model: 'veo31',
			waitForCompletion: false,
			options: { aspectRatio: '9:16', resolution: '4k', translation: true, callbackUrl: 'https://hooks.example.com/veo' },
		});
		expect(createBodies(emulator())).toEqual([
			{
				action: 'text2video',
				model: 'veo31',
				prompt: 'p',
				aspect_ratio: '9:16',
				resolution: '4k',
				translation: true,
				callback_url: 'https://hooks.example.com/veo',
				async: true,
			},
		]);
	});

	it('without waiting, outputs the submitted task at once and never polls', async () => {
		const result = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p', waitForCompletion: false });
		const task = emulator().listTasks()[0];
		expect(json(result.items)).toEqual([
			expect.objectContaining({ taskId: task.id, state: 'submitted', videoUrl: null, videos: [] }),
		]);
		expect(emulator().queries()).toHaveLength(0);
	});

	it('downloads the finished mp4 as binary data named after the task, byte for byte', async () => {
		const result = await runVeo(emulator(), {
			operation: 'textToVideo',
			prompt: 'p',
			downloadVideo: true,
			outputBinaryField: 'video',
			options: { pollInterval: 1 },
		});
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		const taskId = item.json.taskId as string;
		expect(item.binary?.video).toMatchObject({ fileName: `${taskId}.mp4`, mimeType: 'video/mp4' });
		const bytes = await result.readBinary(item, 'video');
		expect(bytes.equals(emulator().videoBytes(taskId))).toBe(true);
		const downloads = emulator().downloads();
		expect(downloads).toHaveLength(1);
		expect(downloads[0].headers.authorization).toBeUndefined();
	});

	it('reads the prompt of each item from an expression', async () => {
		await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: '={{ $json.idea }}', waitForCompletion: false },
			{ items: [{ idea: 'a fox' }, { idea: 'a heron' }] },
		);
		expect(createBodies(emulator()).map((body) => (body as { prompt: string }).prompt)).toEqual(['a fox', 'a heron']);
	});
});

describe('the output field across node versions', () => {
	const emulator = useEmulator();

	it.each([
		[1, { waitForCompletion: true, binaryPropertyName: 'clip' }],
		[2, { waitMode: 'poll', binaryPropertyName: 'clip' }],
		[2.1, { waitMode: 'poll', outputBinaryField: 'clip' }],
	])('version %s puts the video in the field its saved workflows name', async (typeVersion, parameters) => {
		const result = await runVeo(
			emulator(),
			{ operation: 'textToVideo', prompt: 'A white mug', downloadVideo: true, options: { pollInterval: 1 }, ...parameters },
			{ typeVersion },
		);
		expect(result.error).toBeUndefined();
		expect(Object.keys(result.items[0].binary ?? {})).toEqual(['clip']);
	});
});
