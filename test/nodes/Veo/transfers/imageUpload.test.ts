import { createHash } from 'node:crypto';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IBinaryData, IDataObject } from 'n8n-workflow';

import { PlatformFilesEmulator } from '../../../emulator/platformFiles';
import { storeBinary } from '../../../helpers/runNode';
import { createBodies, json, PLATFORM_TOKEN, runVeo, TOKEN, useEmulator, useTransferTimes } from '../fixture';
import type { RunVeoOptions } from '../fixture';

/** A real (1x1) png, jpeg and webp, and a file that only claims to be a png. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000200a2e3e0a40000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a46494600010100000100010000', 'hex'), Buffer.alloc(32, 1), Buffer.from('ffd9', 'hex')]);
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WEBPVP8L'), Buffer.alloc(18, 2)]);
const PAGE = Buffer.from('<!doctype html><title>Not found</title>');

const binary = (bytes: Buffer, mimeType: string, fileName: string): IBinaryData => ({ data: bytes.toString('base64'), mimeType, fileName });
const png = (name = 'frame.png', bytes = PNG) => binary(bytes, 'image/png', name);

const FIRST_FROM_BINARY = { operation: 'imageToVideo', prompt: 'The flower opens', model: 'veo3', imageSource: 'binary', firstFrameBinaryField: 'data' };
const INGREDIENTS_FROM_BINARY = { operation: 'ingredientsToVideo', prompt: 'They meet', imageSource: 'binary' };

describe('Images from binary fields: checked, uploaded to the files endpoint, then created', () => {
	const veo = useEmulator();
	const platform = new PlatformFilesEmulator({ token: PLATFORM_TOKEN });
	beforeAll(async () => await platform.start());
	afterAll(async () => await platform.stop());
	beforeEach(() => platform.reset());

	const run = async (parameters: IDataObject, options: RunVeoOptions = {}) =>
		await runVeo(veo(), { options: { pollInterval: 1 }, ...parameters }, {
			platform: { token: PLATFORM_TOKEN, baseUrl: platform.baseUrl },
			...options,
		});
	const counts = () => ({ uploads: platform.uploads().length, uploadAttempts: platform.uploadAttempts().length, creates: veo().creates().length });
	const uploadedUrls = () => platform.uploads().map((upload) => upload.fileUrl);

	describe('Image to Video', () => {
		it('uploads the first frame, creates with its URL, and shows the URL as imageUrls', async () => {
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }] });

			expect(result.error).toBeUndefined();
			expect(counts()).toEqual({ uploads: 1, uploadAttempts: 1, creates: 1 });
			expect(platform.uploads()[0]).toMatchObject({ fileName: 'frame.png', mimeType: 'image/png', size: PNG.length });
			expect(createBodies(veo())).toEqual([
				{ action: 'image2video', model: 'veo3', prompt: 'The flower opens', image_urls: uploadedUrls(), async: true },
			]);
			expect(json(result.items)).toEqual([expect.objectContaining({ state: 'succeeded', imageUrls: uploadedUrls() })]);
			expect(result.items[0].pairedItem).toEqual({ item: 0 });
		});

		it('uploads both frames and sends them first, then last', async () => {
			const result = await run(
				{ ...FIRST_FROM_BINARY, lastFrameBinaryField: 'end' },
				{ binaries: [{ data: png('start.png'), end: binary(JPEG, 'image/jpeg', 'end.jpeg') }] },
			);

			expect(result.error).toBeUndefined();
			expect(counts()).toEqual({ uploads: 2, uploadAttempts: 2, creates: 1 });
			expect(platform.uploads().map((upload) => [upload.fileName, upload.mimeType])).toEqual([
				['start.png', 'image/png'],
				['end.jpg', 'image/jpeg'],
			]);
			expect((createBodies(veo())[0] as { image_urls: string[] }).image_urls).toEqual(uploadedUrls());
		});

		it("reads a binary from n8n's store (as in n8n 2.x): checked by its metadata and first bytes, uploaded byte for byte", async () => {
			const big = Buffer.concat([PNG, Buffer.alloc(3 * 1024 * 1024, 7)]);
			const data = await storeBinary(big, 'stored.png', 'image/png');
			expect(data.id).toBeDefined();
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data }] });

			expect(result.error).toBeUndefined();
			expect(counts()).toEqual({ uploads: 1, uploadAttempts: 1, creates: 1 });
			expect(platform.uploads()[0]).toMatchObject({
				fileName: 'stored.png',
				size: big.length,
				sha256: createHash('sha256').update(big).digest('hex'),
			});
		});

		it('refuses a stored binary whose bytes are not an image, before any upload', async () => {
			const data = await storeBinary(PAGE, 'page.png', 'image/png');
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data }] });

			expect(result.error?.message).toBe("The binary field 'data' is labelled 'image/png', but its content is not a png, jpeg or webp image [item 0]");
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 0, creates: 0 });
		});

		it('refuses a stored image over 20 MB by its size in the store, before any upload', async () => {
			const data = await storeBinary(Buffer.concat([PNG, Buffer.alloc(20 * 1024 * 1024)]), 'big.png', 'image/png');
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data }] });

			expect(result.error?.message).toBe("The image in the binary field 'data' is 20 MB, more than the 20 MB the node uploads [item 0]");
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 0, creates: 0 });
		});

		it('sends the platform token to the files endpoint only, and the API token to the Veo API only', async () => {
			await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }] });

			expect(platform.requests.map((request) => request.headers.authorization)).toEqual([`Bearer ${PLATFORM_TOKEN}`]);
			const veoHeaders = veo().requests.map((request) => request.headers.authorization);
			expect(veoHeaders.length).toBeGreaterThan(0);
			expect(new Set(veoHeaders)).toEqual(new Set([`Bearer ${TOKEN}`]));
		});
	});

	describe('Ingredients to Video', () => {
		it.each([
			[1, 'a'],
			[2, 'a, b'],
			[3, 'a,b,c'],
		])('uploads %i binaries and creates one video with their URLs in order', async (count, names) => {
			const files = { a: png('a.png'), b: binary(JPEG, 'image/jpeg', 'b.jpg'), c: binary(WEBP, 'image/webp', 'c.webp') };
			const result = await run({ ...INGREDIENTS_FROM_BINARY, imageBinaryFields: names }, { binaries: [files] });

			expect(result.error).toBeUndefined();
			expect(counts()).toEqual({ uploads: count, uploadAttempts: count, creates: 1 });
			expect(platform.uploads().map((upload) => upload.mimeType)).toEqual(['image/png', 'image/jpeg', 'image/webp'].slice(0, count));
			expect(createBodies(veo())).toEqual([
				{ action: 'ingredients2video', model: 'veo31-fast-ingredients', prompt: 'They meet', image_urls: uploadedUrls(), async: true },
			]);
			expect(json(result.items)[0].imageUrls).toEqual(uploadedUrls());
		});

		it('refuses 4 binaries before any upload or create', async () => {
			const result = await run({ ...INGREDIENTS_FROM_BINARY, imageBinaryFields: 'a,b,c,d' }, { binaries: [{ a: png() }] });

			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toBe("The 'Image Binary Fields' field names 4 binary properties, but ingredients to video takes 1 to 3 [item 0]");
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 0, creates: 0 });
		});
	});

	it('runs a mixed batch: URL items as before, binary items uploaded, the same bytes only once', async () => {
		const url = 'https://images.example.com/first.png';
		const result = await run(
			{ ...FIRST_FROM_BINARY, imageSource: '={{ $json.source }}', firstFrameUrl: url },
			{
				items: [{ source: 'binary' }, { source: 'url' }, { source: 'binary' }],
				binaries: [{ data: png() }, undefined, { data: png() }],
			},
		);

		expect(result.error).toBeUndefined();
		expect(counts()).toEqual({ uploads: 1, uploadAttempts: 1, creates: 3 });
		const [uploaded] = uploadedUrls();
		expect(createBodies(veo()).map((body) => (body as { image_urls: string[] }).image_urls)).toEqual([[uploaded], [url], [uploaded]]);
		expect(json(result.items).map((item) => item.imageUrls)).toEqual([[uploaded], undefined, [uploaded]]);
	});

	describe('a failing check makes no upload and no create', () => {
		const cases: Array<[string, RunVeoOptions['binaries'], string]> = [
			['a missing binary field', [{ other: png() }], "The input item has no binary property 'data' [item 0]"],
			['a file that is not an image', [{ data: binary(Buffer.from('%PDF-1.7'), 'application/pdf', 'a.pdf') }], "The binary field 'data' holds 'application/pdf', not a png, jpeg or webp image [item 0]"],
			['an error page labelled as a png', [{ data: png('frame.png', PAGE) }], "The binary field 'data' is labelled 'image/png', but its content is not a png, jpeg or webp image [item 0]"],
			[
				'an image over 20 MB',
				[{ data: png('big.png', Buffer.concat([PNG, Buffer.alloc(20 * 1024 * 1024)])) }],
				"The image in the binary field 'data' is 20 MB, more than the 20 MB the node uploads [item 0]",
			],
		];

		it.each(cases)('%s fails the node with a NodeOperationError naming the field and the item', async (_what, binaries, message) => {
			const result = await run(FIRST_FROM_BINARY, { binaries });

			expect(result.error).toBeInstanceOf(NodeOperationError);
			expect(result.error?.message).toBe(message);
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 0, creates: 0 });
		});

		it("one bad item stops the batch before the good items' uploads (On Error: Stop)", async () => {
			const result = await run(FIRST_FROM_BINARY, { items: [{}, {}], binaries: [{ data: png() }, { data: png('x.png', PAGE) }] });

			expect(result.error?.message).toMatch(/\[item 1\]$/);
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 0, creates: 0 });
		});

		it('with continue-on-fail the bad item becomes an error item and the good one is made', async () => {
			const result = await run(FIRST_FROM_BINARY, {
				items: [{}, {}],
				binaries: [{ data: png() }, { other: png() }],
				continueOnFail: true,
			});

			expect(result.error).toBeUndefined();
			expect(counts()).toEqual({ uploads: 1, uploadAttempts: 1, creates: 1 });
			expect(json(result.items)).toEqual([
				expect.objectContaining({ state: 'succeeded', imageUrls: uploadedUrls() }),
				{ error: "The input item has no binary property 'data' [item 1]", details: expect.stringMatching(/Its binary properties are: other/) },
			]);
			expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});
	});

	it('without a platform token fails before any request, saying where to make one', async () => {
		const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }], platform: { token: '', baseUrl: platform.baseUrl } });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/needs a Platform Token .*platform\.acedata\.cloud\/console\/platform-tokens.* \[item 0\]$/);
		expect(platform.requests).toEqual([]);
		expect(veo().requests).toEqual([]);
	});

	it('with a Platform Base URL that is not a web address fails before any request, without quoting it', async () => {
		const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }], platform: { token: PLATFORM_TOKEN, baseUrl: 'platform-oops-pasted-token' } });

		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/^The 'Platform Base URL' .* is not an http or https address.* \[item 0\]$/);
		expect(result.error?.message).not.toContain('platform-oops');
		expect(platform.requests).toEqual([]);
		expect(veo().requests).toEqual([]);
	});

	describe('an upload that fails fails its item before its create: nothing is paid for it', () => {
		it.each([
			['a 500', { kind: 'status', status: 500 } as const, 'api_error'],
			['a 401', { kind: 'status', status: 401 } as const, 'invalid_token'],
		])('%s from the files endpoint: a NodeApiError with the service code', async (_what, fault, code) => {
			platform.inject(fault);
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }] });

			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(/^The upload of the image in binary field 'data' to Ace Data Cloud failed: .* \[item 0\]$/);
			expect((result.error as NodeApiError).description).toMatch(/No video was created or charged for this item/);
			expect(JSON.stringify((result.error as NodeApiError).context ?? {}) + JSON.stringify(result.error)).toContain(code);
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 1, creates: 0 });
		});

		it('a 401 points at the Platform Token', async () => {
			platform.inject({ kind: 'status', status: 401 });
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }] });
			expect((result.error as NodeApiError).description).toMatch(/Check the Platform Token/);
		});

		it('a dropped connection', async () => {
			platform.inject({ kind: 'drop' });
			const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }] });

			expect(result.error).toBeInstanceOf(NodeApiError);
			expect(result.error?.message).toMatch(/^The upload of the image in binary field 'data' to Ace Data Cloud failed/);
			expect(counts()).toEqual({ uploads: 0, uploadAttempts: 1, creates: 0 });
		});

		it('a redirect is not followed: the file and the platform token go nowhere else', async () => {
			const elsewhere = new PlatformFilesEmulator({ token: PLATFORM_TOKEN });
			await elsewhere.start();
			try {
				platform.inject({ kind: 'redirect', location: `${elsewhere.baseUrl}/api/v1/files/` });
				const result = await run(FIRST_FROM_BINARY, { binaries: [{ data: png() }] });

				expect(result.error).toBeInstanceOf(NodeApiError);
				expect(elsewhere.requests).toEqual([]);
				expect(counts()).toEqual({ uploads: 0, uploadAttempts: 1, creates: 0 });
			} finally {
				await elsewhere.stop();
			}
		});

		describe('uploads are bounded by the deadline of their item, and end together', () => {
			// The floor scaled down from 60 s: the same bound, in seconds of real time.
			useTransferTimes({ uploadFloorMs: 2_000 });
			/** Distinct images (the same bytes would be uploaded once). */
			const images = (count: number) => Array.from({ length: count }, (_, index) => ({ data: png(`${index}.png`, Buffer.concat([PNG, Buffer.from([index])])) }));

			it('a files endpoint whose answers stall: 5 items (3 uploads at a time) all fail at the one deadline, nothing is created', async () => {
				platform.inject({ kind: 'stall', count: 5 });
				const result = await run(
					{ ...FIRST_FROM_BINARY, options: { pollInterval: 1, maxWait: 1 } },
					{ items: [{}, {}, {}, {}, {}], binaries: images(5), continueOnFail: true },
				);

				expect(json(result.items).map((item) => item.error)).toEqual(
					[0, 1, 2, 3, 4].map((index) => `The upload of the image in binary field 'data' to Ace Data Cloud failed: the upload did not finish within 2 seconds [item ${index}]`),
				);
				// One after the other, each with its own time, would be 5 times that.
				expect(result.durationMs).toBeLessThan(2000 + 1500);
				// The 3 that got a slot were cut at the deadline (the endpoint saw them close); the 2 queued had no time left.
				const endedAt = Date.now();
				await new Promise((resolve) => setTimeout(resolve, 1000));
				expect(platform.uploadAttempts()).toHaveLength(3);
				for (const attempt of platform.uploadAttempts()) expect(attempt.closedAt).toBeLessThan(endedAt + 1000);
				expect(counts().creates).toBe(0);
			}, 30_000);

			it('On Error: Stop: a failed upload fails the node at once and cuts off the uploads still under way', async () => {
				platform.inject({ kind: 'stall' });
				platform.inject({ kind: 'status', status: 400 });
				const result = await run(FIRST_FROM_BINARY, { items: [{}, {}], binaries: images(2) });
				const endedAt = Date.now();

				expect(result.error?.message).toMatch(/^The upload of the image in binary field 'data' to Ace Data Cloud failed: Ace Data Cloud rejected the request: injected 400 \[item \d\]$/);
				// Max Wait is 15 minutes here: the stalled upload is not waited for.
				expect(result.durationMs).toBeLessThan(1500);
				await new Promise((resolve) => setTimeout(resolve, 1000));
				const stalled = platform.uploadAttempts().find((attempt) => attempt.status !== 400);
				expect(stalled?.closedAt).toBeDefined();
				expect(stalled?.closedAt as number).toBeLessThan(endedAt + 1000);
				// The stalled one was taken by the endpoint, whose answer never came: nothing was created.
				expect(counts()).toEqual({ uploads: 1, uploadAttempts: 2, creates: 0 });
			}, 30_000);

			it('On Error: Stop: an upload still waiting for its answer to begin is cut off at once too', async () => {
				// n8n makes an authenticated request with the context's cancel signal, whatever the node asks:
				// only the run's signal given as that one reaches a request that has no answer yet.
				platform.inject({ kind: 'delay', delayMs: 20_000 });
				platform.inject({ kind: 'status', status: 400 });
				const result = await run(FIRST_FROM_BINARY, { items: [{}, {}], binaries: images(2) });
				const endedAt = Date.now();

				expect(result.error?.message).toMatch(/injected 400 \[item \d\]$/);
				expect(result.durationMs).toBeLessThan(1500);
				await new Promise((resolve) => setTimeout(resolve, 1000));
				const waiting = platform.uploadAttempts().find((attempt) => attempt.status !== 400);
				expect(waiting?.closedAt).toBeDefined();
				expect(waiting?.closedAt as number).toBeLessThan(endedAt + 1000);
				expect(counts()).toEqual({ uploads: 0, uploadAttempts: 2, creates: 0 });
			}, 30_000);
		});

		it('with continue-on-fail: the failed upload is an error item, the other item is uploaded and made', async () => {
			platform.inject({ kind: 'status', status: 500 });
			const result = await run(FIRST_FROM_BINARY, {
				items: [{}, {}],
				binaries: [{ data: png('one.png') }, { data: binary(JPEG, 'image/jpeg', 'two.jpg') }],
				continueOnFail: true,
			});

			expect(result.error).toBeUndefined();
			expect(counts()).toEqual({ uploads: 1, uploadAttempts: 2, creates: 1 });
			const [failed, made] = json(result.items);
			expect(failed).toMatchObject({ error: expect.stringMatching(/^The upload .*\[item 0\]$/), code: 'api_error', httpCode: 500 });
			expect(made).toMatchObject({ state: 'succeeded', imageUrls: uploadedUrls() });
		});
	});
});
