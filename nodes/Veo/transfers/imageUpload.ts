import { createHash } from 'crypto';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import type { ApiFailure } from '../helpers/apiFailure';
import { explainFailure, failureDetails } from '../helpers/apiFailure';
import type { BinaryImageRef } from '../helpers/binaryImageRefs';
import { ownBinary } from '../helpers/binaryImageRefs';
import type { CheckedImage } from '../helpers/imageFile';
import { checkImage, MAGIC_BYTES_NEEDED } from '../helpers/imageFile';
import { InputError } from '../helpers/inputError';
import type { VeoCreateBody } from '../helpers/requestBody';
import { TransferQueue } from './transferQueue';
import type { RunScope } from '../helpers/runScope';
import { caught } from '../helpers/caught';
import type { Deadline } from '../helpers/deadline';
import { uploadDeadline } from './transferDeadline';
import type { PlatformFiles } from '../transport/platformFiles';
import { createPlatformFiles, PlatformCredentialError, PLATFORM_TOKENS_PAGE } from '../transport/platformFiles';
import { VeoRequestError } from '../transport/veoClient';
import type { ItemResults } from '../output/itemResults';
import { serviceError } from '../output/itemResults';

/** An item whose images come from binary properties; its body gets their uploaded URLs. */
export interface BinaryImagePlan {
	key: number;
	body: VeoCreateBody;
	binaryImages?: BinaryImageRef[];
	/** The item's Max Wait: its uploads get as long (at least the upload floor). */
	maxWaitMs: number;
}

/** How many images upload at once: a stalled endpoint holds them all to one deadline, and memory holds at most this many. */
export const UPLOADS_AT_ONCE = 3;

interface CheckedBinary {
	ref: BinaryImageRef;
	image: CheckedImage;
	/** The same bytes are uploaded once per run, whichever items carry them. */
	identity: string;
}

/**
 * Turns the binary images of the plans into URLs: first every image of every item is checked (it
 * exists, is a png, jpeg or webp, within the size limit), then they are uploaded a few at a time, each
 * item's within its deadline, fixed when the uploads begin (time queued counts). An item whose check
 * or upload fails is failed here and dropped: nothing is created (or paid) for it. When that fails the
 * node (On Error: Stop), the other uploads are cut off at once. Returns the plans that go on to be created.
 */
export async function uploadBinaryImages<P extends BinaryImagePlan>(
	ctx: IExecuteFunctions,
	plans: P[],
	results: ItemResults,
	run: RunScope,
): Promise<P[]> {
	const withImages = plans.filter((plan) => plan.binaryImages?.length);
	if (withImages.length === 0) return plans;
	const failed = new Set<number>();
	const fail = (key: number, error: unknown) => {
		failed.add(key);
		results.fail(key, error);
	};

	const files = await caught(async () => await createPlatformFiles(ctx));
	if (!files.ok) {
		const error = files.error instanceof PlatformCredentialError ? new InputError('Image Source', files.error.message) : files.error;
		for (const plan of withImages) fail(plan.key, error);
		return plans.filter((plan) => !failed.has(plan.key));
	}

	const checked = new Map<number, CheckedBinary[]>();
	for (const plan of withImages) {
		const images = await caught(async () => await checkItemImages(ctx, plan.key, plan.binaryImages as BinaryImageRef[]));
		if (images.ok) checked.set(plan.key, images.value);
		else fail(plan.key, images.error);
	}

	const uploads: Uploads = { files: files.value, queue: new TransferQueue(UPLOADS_AT_ONCE), byIdentity: new Map(), signal: run.signal };
	const startedAt = Date.now();
	let decisive: { key: number; error: unknown } | undefined;
	const outcomes = await Promise.all(
		withImages.map(async (plan) => {
			const images = checked.get(plan.key);
			if (!images) return undefined;
			const urls = await caught(async () => await uploadItemImages(ctx, uploads, plan.key, images, uploadDeadline(plan.maxWaitMs, startedAt)));
			if (!urls.ok && results.failureStops && !run.ended && !run.cancelled) {
				decisive ??= { key: plan.key, error: urls.error };
				run.end();
			}
			return urls;
		}),
	);
	// The failure that ended the run is the node's error, not the uploads it cut off.
	if (decisive) fail(decisive.key, decisive.error);
	for (const [index, plan] of withImages.entries()) {
		const urls = outcomes[index];
		if (!urls) continue;
		if (!urls.ok) {
			fail(plan.key, urls.error);
			continue;
		}
		plan.body.image_urls = urls.value;
		results.describe(plan.key, { imageUrls: urls.value });
	}
	return plans.filter((plan) => !failed.has(plan.key));
}

async function checkItemImages(ctx: IExecuteFunctions, itemIndex: number, refs: BinaryImageRef[]): Promise<CheckedBinary[]> {
	const item = ctx.getInputData()[itemIndex];
	const checked: CheckedBinary[] = [];
	for (const ref of refs) {
		const binary = ownBinary(item.binary, ref.property);
		if (!binary) {
			const present = Object.keys(item.binary ?? {});
			throw new InputError(
				ref.field,
				`The input item has no binary property '${ref.property}'`,
				present.length
					? `Its binary properties are: ${present.join(', ')}. Put the right name in '${ref.field}'.`
					: 'The item carries no binary data at all. Connect a node that outputs the image as binary (HTTP Request with a file response, Read/Write Files from Disk, Google Drive download...).',
			);
		}
		const { size, head } = await sizeAndHead(ctx, binary);
		const image = checkImage({ ...ref, mimeType: binary.mimeType, fileName: binary.fileName, size }, head);
		checked.push({ ref, image, identity: binary.id ?? createHash('sha256').update(binary.data).digest('hex') });
	}
	return checked;
}

/**
 * The size and first bytes of a binary, without reading it whole: a stored binary (n8n 2.x, or 1.x in
 * filesystem mode) has metadata and a stream; one kept in memory (1.x default) is base64 already.
 */
async function sizeAndHead(ctx: IExecuteFunctions, binary: IBinaryData): Promise<{ size: number; head: Buffer }> {
	if (!binary.id) {
		const size = Buffer.byteLength(binary.data, 'base64');
		return { size, head: Buffer.from(binary.data.slice(0, 4 * Math.ceil(MAGIC_BYTES_NEEDED / 3)), 'base64') };
	}
	const { fileSize } = await ctx.helpers.getBinaryMetadata(binary.id);
	const stream = await ctx.helpers.getBinaryStream(binary.id, MAGIC_BYTES_NEEDED);
	let head = Buffer.alloc(0);
	for await (const chunk of stream) {
		head = Buffer.from(chunk as Buffer);
		break;
	}
	stream.destroy();
	return { size: fileSize, head };
}

/** The uploads of one run: where they go, the slots they share, and what each image's bytes became. */
interface Uploads {
	files: PlatformFiles;
	queue: TransferQueue;
	/** The same bytes are uploaded once per run, whichever items carry them. */
	byIdentity: Map<string, Promise<string>>;
	signal: AbortSignal;
}

async function uploadItemImages(
	ctx: IExecuteFunctions,
	uploads: Uploads,
	itemIndex: number,
	images: CheckedBinary[],
	deadline: Deadline,
): Promise<string[]> {
	const urls: string[] = [];
	for (const { ref, image, identity } of images) {
		let url = uploads.byIdentity.get(identity);
		if (!url) {
			url = uploads.queue.run(async () => {
				// Only the images under way are in memory (each at most the size limit), never the whole batch.
				const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, ref.property);
				const file = { bytes, fileName: image.fileName, mimeType: image.mimeType };
				return await uploads.files.upload(file, { deadline, signal: uploads.signal });
			});
			uploads.byIdentity.set(identity, url);
		}
		const answer = await caught(async () => await (url as Promise<string>));
		if (!answer.ok) throw uploadError(ctx, answer.error, ref, itemIndex);
		urls.push(answer.value);
	}
	return urls;
}

function uploadError(ctx: IExecuteFunctions, error: unknown, ref: BinaryImageRef, itemIndex: number): unknown {
	if (!(error instanceof VeoRequestError)) return error;
	const failure: ApiFailure = error.failure;
	const tokenHint =
		failure.status === 401 || failure.status === 403
			? ` Check the Platform Token of the Ace Data Cloud API credential (a platform token starts with "platform-"; make one at ${PLATFORM_TOKENS_PAGE}).`
			: '';
	return serviceError(ctx, failure, {
		message: `The upload of the image in binary field '${ref.property}' to Ace Data Cloud failed: ${failure.code === 'upload_timeout' ? failure.message.toLowerCase() : explainFailure(failure)} [item ${itemIndex}]`,
		description: `No video was created or charged for this item.${tokenHint} ${failureDetails(failure)}`,
		itemIndex,
	});
}
