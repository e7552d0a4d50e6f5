/** The models the Veo API accepts today, and what each may do. */

export const GENERATION_MODELS = ['veo3', 'veo3-fast', 'veo31', 'veo31-fast'] as const;
export type GenerationModel = (typeof GENERATION_MODELS)[number];

export const DEFAULT_MODEL: GenerationModel = 'veo31-fast';

/** The service forces this model for ingredients to video; the node sends it explicitly. */
export const INGREDIENTS_MODEL = 'veo31-fast-ingredients';

/** Still named in the original guide; the service now answers 400 "model is not supported". */
export const RETIRED_MODELS = ['veo2', 'veo2-fast'];

/** 4k is offered only by this model, and only for text to video. */
export const FOUR_K_MODEL: GenerationModel = 'veo31';

export const ASPECT_RATIOS = ['16:9', '9:16'] as const;
export const RESOLUTIONS = ['1080p', '4k', 'gif'] as const;

export function isGenerationModel(value: unknown): value is GenerationModel {
	return typeof value === 'string' && (GENERATION_MODELS as readonly string[]).includes(value);
}
