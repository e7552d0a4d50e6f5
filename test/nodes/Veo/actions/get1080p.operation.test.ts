import { Veo } from '../../../../nodes/Veo/Veo.node';
import { WaitingWebhooks } from '../../../helpers/waitingWebhooks';
import { createBodies, runVeo, useEmulator } from '../fixture';

describe('Get 1080p', () => {
	const emulator = useEmulator();

	it('asks for the 1080p version of a finished video by its video id, waits, and downloads it', async () => {
		const made = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p', model: 'veo3', options: { pollInterval: 1 } });
		const videoId = made.items[0].json.videoId as string;
		const before = emulator().requests.length;

		const result = await runVeo(emulator(), {
			operation: 'get1080p',
			videoId,
			model: 'veo3',
			downloadVideo: true,
			options: { pollInterval: 1 },
		});

		expect(result.error).toBeUndefined();
		expect(createBodies(emulator()).slice(1)).toEqual([{ action: 'get1080p', model: 'veo3', video_id: videoId, async: true }]);
		expect(emulator().requests.slice(before).filter((request) => request.path === '/veo/tasks')).toHaveLength(1);
		const [item] = result.items;
		const taskId = item.json.taskId as string;
		expect(taskId).not.toBe(made.items[0].json.taskId);
		expect(item.json).toMatchObject({ state: 'succeeded', videoId, videoUrl: emulator().videoUrl(taskId) });
		expect((await result.readBinary(item)).equals(emulator().videoBytes(taskId))).toBe(true);
	});

	it('asks for the 1080p version of an Ingredients video with the model that made it', async () => {
		const made = await runVeo(emulator(), {
			operation: 'ingredientsToVideo',
			prompt: 'The person in the hat walks on the beach',
			imageUrls: 'https://images.example.com/hat.png',
			options: { pollInterval: 1 },
		});
		const videoId = made.items[0].json.videoId as string;
		const result = await runVeo(emulator(), { operation: 'get1080p', videoId, model: 'veo31-fast-ingredients', options: { pollInterval: 1 } });

		expect(result.error).toBeUndefined();
		expect(createBodies(emulator())[1]).toEqual({ action: 'get1080p', model: 'veo31-fast-ingredients', video_id: videoId, async: true });
		expect(result.items[0].json).toMatchObject({ state: 'succeeded', videoId });
	});

	it("offers the Ingredients model in Get 1080p's model list", () => {
		const model = new Veo().description.properties.find(
			(property) => property.name === 'model' && property.displayOptions?.show?.operation?.includes('get1080p'),
		);
		expect(model?.options?.map((option) => (option as { value: string }).value)).toContain('veo31-fast-ingredients');
	});
});

describe('Get 1080p, paused until Ace Data Cloud calls back', () => {
	const emulator = useEmulator();
	const n8n = new WaitingWebhooks();
	beforeAll(async () => await n8n.start());
	afterAll(async () => await n8n.stop());

	it('pauses, then resumes with the 1080p video', async () => {
		const made = await runVeo(emulator(), { operation: 'textToVideo', prompt: 'p', model: 'veo3', options: { pollInterval: 1 } });
		const videoId = made.items[0].json.videoId as string;

		const paused = await runVeo(
			emulator(),
			{ operation: 'get1080p', videoId, model: 'veo3', waitMode: 'callback', downloadVideo: true },
			{ waitingWebhooks: n8n },
		);
		expect(paused.status).toBe('waiting');
		expect(createBodies(emulator()).slice(1)).toEqual([
			{ action: 'get1080p', model: 'veo3', video_id: videoId, async: true, callback_url: expect.stringContaining(paused.executionId) },
		]);
		const final = await n8n.finished(paused.executionId);
		const [item] = final.items;
		const taskId = item.json.taskId as string;
		expect(item.json).toMatchObject({ state: 'succeeded', videoId, videoUrl: emulator().videoUrl(taskId) });
		expect((await final.readBinary(item)).equals(emulator().videoBytes(taskId))).toBe(true);
	});
});
