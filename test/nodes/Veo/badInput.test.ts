import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { operations } from '../../../nodes/Veo/actions/operations';
import { TOKEN, createBodies, json, runVeo, useEmulator } from './fixture';

/**
 * Bad input, operation by operation: a row of a spreadsheet with an empty prompt, an expression that
 * points at the wrong field, a URL the service cannot fetch. Every case must stop the node before
 * anything is sent (nothing is paid for), with a NodeOperationError that names the field as the UI
 * shows it and the item it came from, in words a person who never wrote code understands.
 */

const IMAGE = 'https://images.example.com/first.png';
const IMAGE_B = 'https://images.example.com/last.png';
const IMAGE_C = 'https://images.example.com/third.png';
const IMAGE_D = 'https://images.example.com/fourth.png';

const textToVideo = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'textToVideo',
	prompt: 'A heron lands on a wooden pier at dawn',
	options: { pollInterval: 1 },
	...extra,
});
const imageToVideo = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'imageToVideo',
	prompt: 'The flower opens',
	firstFrameUrl: IMAGE,
	options: { pollInterval: 1 },
	...extra,
});
const ingredientsToVideo = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'ingredientsToVideo',
	prompt: 'The person in the hat walks on the beach',
	imageUrls: IMAGE,
	options: { pollInterval: 1 },
	...extra,
});
const get1080p = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'get1080p',
	videoId: '253eedc47f1c4eb2a370ed2312168f4b',
	model: 'veo3',
	options: { pollInterval: 1 },
	...extra,
});
const getTask = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'getTask',
	taskIds: 'dd01fc69-e1f7-4b68-aa8c-463f6b748d11',
	...extra,
});

/** Two items where the second is the bad one: its value comes from `$json.value`, the first's is fine. */
function secondItem(good: unknown, bad: unknown): IDataObject[] {
	return [{ value: good }, { value: bad }] as IDataObject[];
}

interface BadCase {
	/** What is wrong, as a sentence fragment. */
	name: string;
	parameters: INodeParameters;
	items?: IDataObject[];
	/** The field as the user sees it in the node. */
	field: string | RegExp;
	/** The item the message must point at. */
	item: number;
	/** What the message must say about it. */
	says: RegExp;
}

const cases: BadCase[] = [
	// Text to Video: the prompt
	{ name: 'an empty prompt from an expression', parameters: textToVideo({ prompt: '={{ "" }}' }), field: 'Prompt', item: 0, says: /is empty/ },
	{
		name: 'a prompt of only spaces and new lines in the third item',
		parameters: textToVideo({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: 'a fox' }, { prompt: 'a heron' }, { prompt: '  \n\t ' }],
		field: 'Prompt',
		item: 2,
		says: /is empty/,
	},
	{
		name: 'a prompt expression that points at a missing column',
		parameters: textToVideo({ prompt: '={{ $json.prompt }}' }),
		items: [{ prompt: 'a fox' }, { promt: 'a typo in the column name' }],
		field: 'Prompt',
		item: 1,
		says: /is empty/,
	},
	{ name: 'a prompt expression that gives an object', parameters: textToVideo({ prompt: '={{ {a: 1} }}' }), field: 'Prompt', item: 0, says: /must be text, but its expression gave a set of fields/ },
	{ name: 'a prompt expression that gives a list', parameters: textToVideo({ prompt: '={{ [1, 2] }}' }), field: 'Prompt', item: 0, says: /must be text, but its expression gave a list/ },
	{ name: 'a prompt expression that gives true', parameters: textToVideo({ prompt: '={{ true }}' }), field: 'Prompt', item: 0, says: /must be text, but its expression gave the yes\/no value true/ },
	{
		name: 'a prompt expression that gives the whole item in the second item',
		parameters: textToVideo({ prompt: '={{ $json.value }}' }),
		items: secondItem('a fox', { text: 'a heron' }),
		field: 'Prompt',
		item: 1,
		says: /must be text/,
	},

	// Text to Video: model and options
	{ name: 'an unknown model', parameters: textToVideo({ model: '={{ "sora" }}' }), field: 'Model', item: 0, says: /'sora' is not a Veo model/ },
	{ name: 'an empty model from an expression', parameters: textToVideo({ model: '={{ "" }}' }), field: 'Model', item: 0, says: /is empty/ },
	{ name: 'the retired veo2', parameters: textToVideo({ model: 'veo2' }), field: 'Model', item: 0, says: /'veo2' has been retired/ },
	{
		name: 'the retired veo2-fast in the second item',
		parameters: textToVideo({ model: '={{ $json.value }}' }),
		items: secondItem('veo3', 'veo2-fast'),
		field: 'Model',
		item: 1,
		says: /'veo2-fast' has been retired/,
	},
	{ name: 'the ingredients model for text to video', parameters: textToVideo({ model: '={{ "veo31-fast-ingredients" }}' }), field: 'Model', item: 0, says: /only makes videos from reference images/ },
	{ name: '4k with veo3', parameters: textToVideo({ model: 'veo3', options: { resolution: '4k' } }), field: 'Resolution', item: 0, says: /'4k'.*only for Text to Video with model veo31/ },
	{ name: '4k with veo31-fast', parameters: textToVideo({ model: 'veo31-fast', options: { resolution: '4k' } }), field: 'Resolution', item: 0, says: /only for Text to Video with model veo31/ },
	{ name: 'an unknown resolution', parameters: textToVideo({ options: { resolution: '={{ "8k" }}' } }), field: 'Resolution', item: 0, says: /'8k' is not a valid choice/ },
	{ name: 'the retired aspect ratio 1:1', parameters: textToVideo({ options: { aspectRatio: '={{ "1:1" }}' } }), field: 'Aspect Ratio', item: 0, says: /'1:1' is not a valid choice/ },
	{
		name: 'the retired aspect ratio 4:3 in the second item',
		parameters: textToVideo({ options: { aspectRatio: '={{ $json.value }}' } }),
		items: secondItem('9:16', '4:3'),
		field: 'Aspect Ratio',
		item: 1,
		says: /'4:3' is not a valid choice/,
	},
	{ name: 'a Translate Prompt of "yes"', parameters: textToVideo({ options: { translation: '={{ "yes" }}' } }), field: 'Translate Prompt', item: 0, says: /true or false/ },
	{ name: 'an http callback URL', parameters: textToVideo({ options: { callbackUrl: 'http://hooks.example.com/veo' } }), field: 'Callback URL', item: 0, says: /must be an https address/ },
	{ name: 'an ftp callback URL', parameters: textToVideo({ options: { callbackUrl: 'ftp://hooks.example.com/veo' } }), field: 'Callback URL', item: 0, says: /is not a web address/ },
	{ name: 'a javascript: callback URL', parameters: textToVideo({ options: { callbackUrl: 'javascript:alert(1)' } }), field: 'Callback URL', item: 0, says: /is not a web address/ },
	{ name: 'a relative callback URL', parameters: textToVideo({ options: { callbackUrl: '/webhook/veo' } }), field: 'Callback URL', item: 0, says: /is not a web address/ },

	// Waiting and download settings (shared by every creating operation)
	{ name: 'a Max Wait below the Poll Interval', parameters: textToVideo({ options: { pollInterval: 10, maxWait: 5 } }), field: 'Max Wait', item: 0, says: /shorter than the Poll Interval/ },
	{ name: 'a Poll Interval of 0', parameters: textToVideo({ options: { pollInterval: 0 } }), field: /poll interval/i, item: 0, says: /between 1 and 3600 seconds/ },
	// Past 24.8 days a timer overflows and fires at once: thousands of polls instead of none.
	{ name: 'a Poll Interval of 25 days', parameters: textToVideo({ options: { pollInterval: 25 * 86400, maxWait: 26 * 86400 } }), field: /poll interval/i, item: 0, says: /between 1 and 3600 seconds \(1 hour\); it is 2160000/ },
	{ name: 'a Max Wait of -5 when pausing', parameters: textToVideo({ waitMode: 'callback', options: { maxWait: '={{ -5 }}' } }), field: 'Max Wait', item: 0, says: /between 1 and 604800 seconds \(7 days\); it is -5/ },
	{ name: 'a Max Wait of 0 when pausing', parameters: textToVideo({ waitMode: 'callback', options: { maxWait: '={{ 0 }}' } }), field: 'Max Wait', item: 0, says: /between 1 and 604800 seconds/ },
	{ name: 'a Max Wait of 1e300 when pausing', parameters: textToVideo({ waitMode: 'callback', options: { maxWait: '={{ 1e300 }}' } }), field: 'Max Wait', item: 0, says: /between 1 and 604800 seconds/ },
	{ name: 'Download Video on with an empty output field', parameters: textToVideo({ downloadVideo: true, outputBinaryField: '={{ "" }}' }), field: 'Put Output File in Field', item: 0, says: /is empty/ },
	{
		name: 'Download Video on with an output field of spaces in the second item',
		parameters: textToVideo({ downloadVideo: true, outputBinaryField: '={{ $json.value }}' }),
		items: secondItem('video', '   '),
		field: 'Put Output File in Field',
		item: 1,
		says: /is empty/,
	},

	// Image to Video
	{ name: 'no first frame', parameters: imageToVideo({ firstFrameUrl: '={{ $json.image }}' }), field: 'First Frame URL', item: 0, says: /is empty/ },
	{ name: 'a first frame of spaces', parameters: imageToVideo({ firstFrameUrl: '   ' }), field: 'First Frame URL', item: 0, says: /is empty/ },
	{ name: 'three images as the first frame', parameters: imageToVideo({ firstFrameUrl: `${IMAGE}, ${IMAGE_B}, ${IMAGE_C}` }), field: 'First Frame URL', item: 0, says: /holds 3 URLs, but it takes one/ },
	{
		name: 'three images from an expression as the first frame, in the second item',
		parameters: imageToVideo({ firstFrameUrl: '={{ $json.value }}' }),
		items: secondItem(IMAGE, [IMAGE, IMAGE_B, IMAGE_C]),
		field: 'First Frame URL',
		item: 1,
		says: /holds 3 URLs/,
	},
	{ name: 'two images as the last frame', parameters: imageToVideo({ lastFrameUrl: `${IMAGE_B}\n${IMAGE_C}` }), field: 'Last Frame URL', item: 0, says: /holds 2 URLs/ },
	{ name: 'an ftp: first frame', parameters: imageToVideo({ firstFrameUrl: 'ftp://images.example.com/first.png' }), field: 'First Frame URL', item: 0, says: /is not a web address/ },
	{ name: 'a relative first frame', parameters: imageToVideo({ firstFrameUrl: 'images/first.png' }), field: 'First Frame URL', item: 0, says: /is not a web address/ },
	{ name: 'a javascript: first frame', parameters: imageToVideo({ firstFrameUrl: 'javascript:alert(document.cookie)' }), field: 'First Frame URL', item: 0, says: /is not a web address/ },
	{ name: 'a data: first frame', parameters: imageToVideo({ firstFrameUrl: `data:image/png;base64,${'A'.repeat(5000)}` }), field: 'First Frame URL', item: 0, says: /is not a web address/ },
	{
		name: 'an ftp: last frame in the second item',
		parameters: imageToVideo({ lastFrameUrl: '={{ $json.value }}' }),
		items: secondItem(IMAGE_B, 'ftp://images.example.com/last.png'),
		field: 'Last Frame URL',
		item: 1,
		says: /is not a web address/,
	},
	{ name: 'a first frame expression that gives an object', parameters: imageToVideo({ firstFrameUrl: '={{ { url: "https://x.example/a.png" } }}' }), field: 'First Frame URL', item: 0, says: /must hold text, but its expression gave a set of fields/ },
	{ name: '4k for image to video', parameters: imageToVideo({ model: 'veo31', options: { resolution: '4k' } }), field: 'Resolution', item: 0, says: /only for Text to Video/ },
	{ name: 'the ingredients model for image to video', parameters: imageToVideo({ model: '={{ "veo31-fast-ingredients" }}' }), field: 'Model', item: 0, says: /only makes videos from reference images/ },
	{ name: 'an empty prompt for image to video', parameters: imageToVideo({ prompt: ' ' }), field: 'Prompt', item: 0, says: /is empty/ },

	// Ingredients to Video
	{ name: 'no ingredient image', parameters: ingredientsToVideo({ imageUrls: '={{ $json.images }}' }), field: 'Image URLs', item: 0, says: /is empty/ },
	{ name: 'only commas and spaces as ingredient images', parameters: ingredientsToVideo({ imageUrls: ' , ,\n ' }), field: 'Image URLs', item: 0, says: /is empty/ },
	{ name: 'four ingredient images', parameters: ingredientsToVideo({ imageUrls: [IMAGE, IMAGE_B, IMAGE_C, IMAGE_D].join(', ') }), field: 'Image URLs', item: 0, says: /holds 4 images, but ingredients to video takes at most 3/ },
	{
		name: 'four ingredient images from an expression, in the second item',
		parameters: ingredientsToVideo({ imageUrls: '={{ $json.value }}' }),
		items: secondItem([IMAGE], [IMAGE, IMAGE_B, IMAGE_C, IMAGE_D]),
		field: 'Image URLs',
		item: 1,
		says: /holds 4 images/,
	},
	{ name: 'an empty ingredient list from an expression', parameters: ingredientsToVideo({ imageUrls: '={{ [] }}' }), field: 'Image URLs', item: 0, says: /is empty/ },
	{ name: 'an ftp: ingredient image among good ones', parameters: ingredientsToVideo({ imageUrls: `${IMAGE}, ftp://images.example.com/x.png` }), field: 'Image URLs', item: 0, says: /'ftp:\/\/images\.example\.com\/x\.png' in 'Image URLs' is not a web address/ },
	{ name: 'a relative ingredient image', parameters: ingredientsToVideo({ imageUrls: '/uploads/hat.png' }), field: 'Image URLs', item: 0, says: /is not a web address/ },
	{ name: 'a javascript: ingredient image', parameters: ingredientsToVideo({ imageUrls: 'javascript:void(0)' }), field: 'Image URLs', item: 0, says: /is not a web address/ },
	{ name: 'ingredient images from an expression that gives objects', parameters: ingredientsToVideo({ imageUrls: '={{ [{ url: "https://x.example/a.png" }] }}' }), field: 'Image URLs', item: 0, says: /must hold text, but its expression gave a set of fields/ },
	{ name: '4k for ingredients to video', parameters: ingredientsToVideo({ options: { resolution: '4k' } }), field: 'Resolution', item: 0, says: /only for Text to Video/ },

	// Get 1080p
	{ name: 'an empty Video ID', parameters: get1080p({ videoId: '={{ $json.videoId }}' }), field: 'Video ID', item: 0, says: /is empty/ },
	{
		name: 'a Video ID of spaces in the second item',
		parameters: get1080p({ videoId: '={{ $json.value }}' }),
		items: secondItem('253eedc47f1c4eb2a370ed2312168f4b', '   '),
		field: 'Video ID',
		item: 1,
		says: /is empty/,
	},
	{ name: 'a Video ID expression that gives a list', parameters: get1080p({ videoId: '={{ ["a", "b"] }}' }), field: 'Video ID', item: 0, says: /must be text, but its expression gave a list/ },
	{ name: 'the retired veo2 for 1080p', parameters: get1080p({ model: 'veo2' }), field: 'Model', item: 0, says: /retired/ },
	{ name: 'an http callback URL for 1080p', parameters: get1080p({ options: { callbackUrl: 'http://hooks.example.com/veo' } }), field: 'Callback URL', item: 0, says: /https/ },

	// Get Task
	{ name: 'no task ID', parameters: getTask({ taskIds: '={{ $json.taskId }}' }), field: 'Task IDs', item: 0, says: /is empty/ },
	{
		name: 'only blanks and commas as task IDs in the second item',
		parameters: getTask({ taskIds: '={{ $json.value }}' }),
		items: secondItem('dd01fc69-e1f7-4b68-aa8c-463f6b748d11', ' ,\n , '),
		field: 'Task IDs',
		item: 1,
		says: /is empty/,
	},
	{
		name: '51 task IDs in one item',
		parameters: getTask({ taskIds: Array.from({ length: 51 }, (_, index) => `task-${index}`).join('\n') }),
		field: 'Task IDs',
		item: 0,
		says: /holds 51 task IDs; one item can ask for at most 50/,
	},
	{ name: 'task IDs from an expression that gives an object', parameters: getTask({ taskIds: '={{ $json }}' }), items: [{ taskId: 'x' }], field: 'Task IDs', item: 0, says: /must hold text, but its expression gave a set of fields/ },
	{ name: 'Download Video on with an empty output field for Get Task', parameters: getTask({ downloadVideo: true, outputBinaryField: ' ' }), field: 'Put Output File in Field', item: 0, says: /is empty/ },
];

/** Words a developer would understand but a spreadsheet user would not. */
const JARGON = /undefined|\bnull\b|NaN|\[object|TypeError|ReferenceError|\bError:|\ba (object|boolean|array|string|number)\b|\bstack\b|ERR_|ECONN|typeof/;

describe('bad input is refused before anything is sent', () => {
	const emulator = useEmulator();

	it(`covers at least 30 cases over every operation (${cases.length} here)`, () => {
		expect(cases.length).toBeGreaterThanOrEqual(30);
		// A new operation in the list fails here until its bad inputs are added.
		const covered = new Set(cases.map((one) => one.parameters.operation));
		expect([...covered].sort()).toEqual(operations.map((operation) => operation.option.value).sort());
	});

	it.each(cases.map((one) => [one.name, one] as const))('refuses %s, naming the field and the item', async (_name, one) => {
		const result = await runVeo(emulator(), one.parameters, { items: one.items });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		const { message, description } = result.error as NodeOperationError;
		if (typeof one.field === 'string') expect(message).toContain(one.field);
		else expect(message).toMatch(one.field);
		expect(message).toMatch(one.says);
		expect(message.endsWith(`[item ${one.item}]`)).toBe(true);
		expect(message).not.toMatch(JARGON);
		if (description) expect(description).not.toMatch(JARGON);
		// A pasted data: URL or a long list is quoted back only in part.
		expect(message.length).toBeLessThan(300);
		// Nothing was paid for; nothing was even asked.
		expect(emulator().creates()).toHaveLength(0);
		expect(emulator().requests).toHaveLength(0);
	});

	it.each([
		['Prompt', textToVideo({ prompt: '' })],
		['First Frame URL', imageToVideo({ firstFrameUrl: '' })],
		['Image URLs', ingredientsToVideo({ imageUrls: '' })],
		['Video ID', get1080p({ videoId: '' })],
		['Task IDs', getTask({ taskIds: '' })],
	])('a required %s left empty in the node is refused by n8n itself before the node runs', async (field, parameters) => {
		// n8n checks required fields typed into the node before it starts the workflow; the node's own
		// checks catch the same mistake when it comes from an expression (the cases above).
		await expect(runVeo(emulator(), parameters)).rejects.toThrow(`Parameter "${field}" is required`);
		expect(emulator().requests).toHaveLength(0);
	});

	describe('task ID lists', () => {
		/** Creates a task straight at the emulator, so these tests do not depend on the submitting engine. */
		async function createTask(prompt: string): Promise<string> {
			const answer = await fetch(`${emulator().baseUrl}/veo/videos`, {
				method: 'POST',
				headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'text2video', model: 'veo3', prompt, async: true }),
			});
			return ((await answer.json()) as { task_id: string }).task_id;
		}

		it('drops blanks and duplicates instead of failing, and asks for each task once', async () => {
			const [first, second] = [await createTask('a fox'), await createTask('a heron')];
			const before = emulator().requests.length;
			const result = await runVeo(emulator(), getTask({ taskIds: ` ${first},,\n ${second}\n, ${first} ,\n\n` }));

			expect(result.error).toBeUndefined();
			const queries = emulator().requests.slice(before);
			expect(queries.map((query) => query.body)).toEqual([{ action: 'retrieve_batch', ids: [first, second] }]);
			expect(json(result.items).map((item) => item.taskId)).toEqual([first, second]);
		});

		it('drops blanks and duplicates from an expression list too', async () => {
			const first = await createTask('a fox');
			const before = emulator().requests.length;
			const result = await runVeo(emulator(), getTask({ taskIds: '={{ $json.ids }}' }), { items: [{ ids: [first, '', ` ${first} `, '  '] }] });

			expect(result.error).toBeUndefined();
			// One distinct id: the single-task call.
			expect(emulator().requests.slice(before).map((query) => query.body)).toEqual([{ action: 'retrieve', id: first }]);
			expect(json(result.items).map((item) => item.taskId)).toEqual([first]);
		});
	});

	describe('with On Error: Continue', () => {
		it('turns each bad item into an error item and submits every good one exactly once', async () => {
			const items = [
				{ prompt: 'good 0', model: 'veo3', ratio: '16:9' },
				{ prompt: '   ', model: 'veo3', ratio: '16:9' },
				{ prompt: 'good 2', model: 'veo31-fast', ratio: '9:16' },
				{ prompt: 'bad model', model: 'veo2', ratio: '16:9' },
				{ prompt: 'bad ratio', model: 'veo3', ratio: '1:1' },
				{ prompt: 'good 5', model: 'veo3-fast', ratio: '16:9' },
			];
			const result = await runVeo(
				emulator(),
				textToVideo({ prompt: '={{ $json.prompt }}', model: '={{ $json.model }}', waitForCompletion: false, options: { aspectRatio: '={{ $json.ratio }}' } }),
				{ items, continueOnFail: true },
			);

			expect(result.error).toBeUndefined();
			expect(createBodies(emulator()).map((body) => (body as { prompt: string }).prompt)).toEqual(['good 0', 'good 2', 'good 5']);
			expect(emulator().creates()).toHaveLength(3);
			expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, index) => ({ item: index })));
			const out = json(result.items);
			expect(out[1]).toEqual({ error: "The 'Prompt' field is empty [item 1]", details: expect.any(String) });
			expect(out[3]).toEqual({ error: expect.stringMatching(/^Model 'veo2' has been retired.*\[item 3\]$/), details: expect.stringMatching(/Pick one of/) });
			expect(out[4]).toEqual({ error: expect.stringMatching(/'1:1' is not a valid choice for 'Aspect Ratio' \[item 4\]$/), details: expect.any(String) });
			for (const index of [0, 2, 5]) {
				expect(out[index]).toMatchObject({ state: 'submitted', taskId: expect.any(String) });
			}
		});

		it('Get Task turns a bad item into an error item and looks the good ones up', async () => {
			const result = await runVeo(emulator(), getTask({ taskIds: '={{ $json.ids }}' }), {
				items: [{ ids: 'no-such-task' }, { ids: '' }],
				continueOnFail: true,
			});
			expect(json(result.items)).toEqual([
				expect.objectContaining({ taskId: 'no-such-task', error: expect.stringMatching(/not found \[item 0\]/) }),
				{ error: "The 'Task IDs' field is empty [item 1]", details: expect.any(String) },
			]);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
			expect(emulator().queries()).toHaveLength(1);
		});
	});
});
