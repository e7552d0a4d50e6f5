/**
 * What a creating operation is, as the create run needs to know it. Each operation file declares its
 * own spec; the layers below read it as data, so none of them names an operation (and a new one needs
 * no change down here unless it brings a new kind of input).
 */

export type ImageSource = 'url' | 'binary';

export type ImageParameter =
	| 'firstFrameUrl'
	| 'lastFrameUrl'
	| 'imageUrls'
	| 'firstFrameBinaryField'
	| 'lastFrameBinaryField'
	| 'imageBinaryFields';

export interface ImageSpec {
	/** 'frames': one first frame and an optional last frame; 'references': 1 to 3 reference images. */
	layout: 'frames' | 'references';
	/** 'references': the most images the service takes. */
	maxImages?: number;
	/** The parameters read for each source: [name, default (none when required)]. */
	parameters: Record<ImageSource, Array<[ImageParameter, string?]>>;
}

export interface CreateSpec {
	/** The `action` of `POST /veo/videos` (the service's name for the operation). */
	action: string;
	/** 'prompt': a new video from a prompt (and images) with the generation options; 'videoId': the 1080p of a made one. */
	input: 'prompt' | 'videoId';
	/** The model, when the service allows only one for this operation; else the item's Model field is read. */
	fixedModel?: string;
	/** Whether Resolution offers 4k (and the Model field says which model makes it). */
	offers4k: boolean;
	/** The operation's images, if it takes any. */
	images?: ImageSpec;
}
