/**
 * Shape checks for the two endpoints' bodies. They only look at the body itself; checks that
 * need stored tasks (get1080p's video_id) live in the emulator.
 */
import type { AspectRatio, Resolution, VeoAction, VeoModel } from './types';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

export interface CreateParams {
	action: VeoAction;
	model: VeoModel;
	prompt?: string;
	imageUrls: string[];
	aspectRatio: AspectRatio;
	resolution?: Resolution;
	translation: boolean;
	videoId?: string;
	callbackUrl?: string;
	async: boolean;
}

export type TasksQuery =
	| { action: 'retrieve'; id?: string; traceId?: string }
	| {
			action: 'retrieve_batch';
			ids?: string[];
			traceIds?: string[];
			type?: string;
			createdAtMin?: number;
			createdAtMax?: number;
			offset: number;
			limit: number;
	  };

export const MAX_BATCH_IDS = 50;
const DEFAULT_BATCH_LIMIT = 50;

const ACTIONS: readonly VeoAction[] = ['text2video', 'image2video', 'ingredients2video', 'get1080p'];
const MODELS: readonly VeoModel[] = ['veo3', 'veo3-fast', 'veo31', 'veo31-fast', 'veo31-fast-ingredients'];
const RATIOS: readonly AspectRatio[] = ['16:9', '9:16'];
const RESOLUTIONS: readonly Resolution[] = ['1080p', '4k', 'gif'];
const INGREDIENTS_MODEL: VeoModel = 'veo31-fast-ingredients';
const IMAGES_INVALID = 'image_urls is invalid when generate videos';

class Invalid extends Error {}

function fail(message: string): never {
	throw new Invalid(message);
}

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** null counts as absent: clients built on optional fields often send it, and the service tolerates that. */
function field(body: Record<string, unknown>, name: string): unknown {
	const value = body[name];
	return value === null ? undefined : value;
}

function optionalString(body: Record<string, unknown>, name: string): string | undefined {
	const value = field(body, name);
	if (value !== undefined && typeof value !== 'string') fail(`${name} is invalid`);
	return value;
}

function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
	const value = field(body, name);
	if (value !== undefined && typeof value !== 'boolean') fail(`${name} is invalid`);
	return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], message: string): T {
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) fail(message);
	return value as T;
}

function checked<T>(build: () => T): Checked<T> {
	try {
		return { ok: true, value: build() };
	} catch (error) {
		if (error instanceof Invalid) return { ok: false, message: error.message };
		throw error;
	}
}

export function validateCreate(body: unknown): Checked<CreateParams> {
	return checked(() => {
		if (!isObject(body)) fail('the request body must be a JSON object');
		const action = readAction(body);
		const model = readModel(body, action);
		const prompt = readPrompt(body, action);
		const imageUrls = readImages(body, action);
		const aspectRatio = oneOf(field(body, 'aspect_ratio') ?? '16:9', RATIOS, 'aspect_ratio is invalid');
		const resolution = readResolution(body, action, model);
		const videoId = optionalString(body, 'video_id');
		if (action === 'get1080p' && !videoId) fail('video_id is invalid');
		return {
			action,
			model,
			prompt,
			imageUrls,
			aspectRatio,
			resolution,
			translation: optionalBoolean(body, 'translation') ?? false,
			videoId,
			callbackUrl: readCallbackUrl(body),
			async: optionalBoolean(body, 'async') ?? false,
		};
	});
}

function readAction(body: Record<string, unknown>): VeoAction {
	const action = field(body, 'action');
	if (action === undefined) fail('action is required');
	return oneOf(action, ACTIONS, 'action is not supported');
}

function readModel(body: Record<string, unknown>, action: VeoAction): VeoModel {
	const model = oneOf(field(body, 'model') ?? 'veo3-fast', MODELS, 'model is not supported');
	// The service swaps in the ingredients model itself, whatever the client asked for.
	if (action === 'ingredients2video') return INGREDIENTS_MODEL;
	if (action === 'text2video' && model === INGREDIENTS_MODEL) {
		fail(`model ${INGREDIENTS_MODEL} cannot generate videos from text only`);
	}
	return model;
}

function readPrompt(body: Record<string, unknown>, action: VeoAction): string | undefined {
	const prompt = optionalString(body, 'prompt');
	if (action !== 'get1080p' && (prompt === undefined || prompt.trim() === '')) fail('prompt is required');
	return prompt;
}

function readImages(body: Record<string, unknown>, action: VeoAction): string[] {
	const value = field(body, 'image_urls') ?? [];
	if (!Array.isArray(value) || !value.every((url) => typeof url === 'string' && url !== '')) {
		fail(IMAGES_INVALID);
	}
	const urls = value as string[];
	if (action === 'image2video' && (urls.length < 1 || urls.length > 2)) fail(IMAGES_INVALID);
	if (action === 'ingredients2video' && (urls.length < 1 || urls.length > 3)) fail(IMAGES_INVALID);
	return urls;
}

function readResolution(
	body: Record<string, unknown>,
	action: VeoAction,
	model: VeoModel,
): Resolution | undefined {
	const value = field(body, 'resolution');
	if (value === undefined) return undefined;
	const resolution = oneOf(value, RESOLUTIONS, 'resolution is invalid');
	if (resolution === '4k' && (model !== 'veo31' || action !== 'text2video')) {
		fail('resolution 4k is only supported by veo31 with text2video');
	}
	return resolution;
}

function readCallbackUrl(body: Record<string, unknown>): string | undefined {
	const value = optionalString(body, 'callback_url');
	if (value === undefined) return undefined;
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		fail('callback_url is invalid');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('callback_url is invalid');
	return value;
}

export function validateTasksQuery(body: unknown): Checked<TasksQuery> {
	return checked((): TasksQuery => {
		if (!isObject(body)) fail('the request body must be a JSON object');
		const action = field(body, 'action');
		if (action === undefined) fail('action is required');
		if (action === 'retrieve') return readRetrieve(body);
		if (action === 'retrieve_batch') return readRetrieveBatch(body);
		return fail('action is not supported');
	});
}

function readRetrieve(body: Record<string, unknown>): TasksQuery {
	const id = optionalString(body, 'id');
	const traceId = optionalString(body, 'trace_id');
	if (!id && !traceId) fail('id is required');
	return { action: 'retrieve', id, traceId };
}

function readRetrieveBatch(body: Record<string, unknown>): TasksQuery {
	return {
		action: 'retrieve_batch',
		ids: optionalIdList(body, 'ids'),
		traceIds: optionalIdList(body, 'trace_ids'),
		type: optionalString(body, 'type'),
		createdAtMin: optionalNumber(body, 'created_at_min'),
		createdAtMax: optionalNumber(body, 'created_at_max'),
		offset: optionalCount(body, 'offset') ?? 0,
		limit: optionalCount(body, 'limit') ?? DEFAULT_BATCH_LIMIT,
	};
}

function optionalIdList(body: Record<string, unknown>, name: string): string[] | undefined {
	const value = field(body, name);
	if (value === undefined) return undefined;
	if (!Array.isArray(value) || !value.every((id) => typeof id === 'string')) fail(`${name} is invalid`);
	if (value.length > MAX_BATCH_IDS) fail(`${name} can hold at most ${MAX_BATCH_IDS} ids`);
	return value as string[];
}

function optionalNumber(body: Record<string, unknown>, name: string): number | undefined {
	const value = field(body, name);
	if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) fail(`${name} is invalid`);
	return value;
}

function optionalCount(body: Record<string, unknown>, name: string): number | undefined {
	const value = optionalNumber(body, name);
	if (value !== undefined && (!Number.isInteger(value) || value < 0)) fail(`${name} is invalid`);
	return value;
}
