import { createBodies, json, runVeo, useEmulator } from '../fixture';

const FIRST = 'https://images.example.com/first.png';
const LAST = 'https://images.example.com/last.png';

describe('Image to Video', () => {
	const emulator = useEmulator();

	it('sends the first and last frame as image_urls, in that order, and waits for the video', async () => {
		const result = await runVeo(emulator(), {
			operation: 'imageToVideo',
			prompt: 'The flower opens',
			model: 'veo3',
			firstFrameUrl: FIRST,
			lastFrameUrl: LAST,
			options: { pollInterval: 1, aspectRatio: '9:16' },
		});
		expect(result.error).toBeUndefined();
		expect(createBodies(emulator())).toEqual([
			{ action: 'image2video', model: 'veo3', prompt: 'The flower opens', image_urls: [FIRST, LAST], aspect_ratio: '9:16', async: true },
		]);
		expect(json(result.items)).toEqual([expect.objectContaining({ state: 'succeeded', taskId: emulator().listTasks()[0].id })]);
	});

	it('sends only the first frame when no last frame is given', async () => {
		await runVeo(emulator(), { operation: 'imageToVideo', prompt: 'p', firstFrameUrl: FIRST, waitForCompletion: false });
		expect((createBodies(emulator())[0] as { image_urls: string[] }).image_urls).toEqual([FIRST]);
	});
});
