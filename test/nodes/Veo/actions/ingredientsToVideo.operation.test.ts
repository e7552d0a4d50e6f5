import { createBodies, json, runVeo, useEmulator } from '../fixture';

const IMAGES = ['https://images.example.com/person.png', 'https://images.example.com/hat.png', 'https://images.example.com/beach.png'];

describe('Ingredients to Video', () => {
	const emulator = useEmulator();

	it('sends up to three reference images from a comma or line separated list, with the ingredients model', async () => {
		const result = await runVeo(emulator(), {
			operation: 'ingredientsToVideo',
			prompt: 'The person in the hat walks on the beach',
			imageUrls: `${IMAGES[0]}, ${IMAGES[1]}\n${IMAGES[2]}`,
			options: { pollInterval: 1 },
		});
		expect(result.error).toBeUndefined();
		expect(createBodies(emulator())).toEqual([
			{
				action: 'ingredients2video',
				model: 'veo31-fast-ingredients',
				prompt: 'The person in the hat walks on the beach',
				image_urls: IMAGES,
				async: true,
			},
		]);
		expect(json(result.items)[0]).toMatchObject({ state: 'succeeded' });
	});

	it('takes the images as an array from an expression', async () => {
		await runVeo(
			emulator(),
			{ operation: 'ingredientsToVideo', prompt: 'p', imageUrls: '={{ $json.images }}', waitForCompletion: false },
			{ items: [{ images: IMAGES.slice(0, 2) }] },
		);
		expect((createBodies(emulator())[0] as { image_urls: string[] }).image_urls).toEqual(IMAGES.slice(0, 2));
	});
});
