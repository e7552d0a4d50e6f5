/** Whether a value is an absolute address with one of the given protocols (http or https by default). */
export function isWebAddress(value: string, protocols = ['http:', 'https:']): boolean {
	try {
		return protocols.includes(new URL(value).protocol);
	} catch {
		return false;
	}
}

/**
 * Why the credential's Base URL is refused, by the node and by the credential's Test alike. The value
 * is not quoted back: a token pasted into the wrong field would end up in the message.
 */
export const BASE_URL_REFUSED = {
	message: "The 'Base URL' of the Ace Data Cloud API credential is not an http or https address",
	advice: 'Open the credential and set Base URL to https://api.acedata.cloud (or the http(s) address of your own gateway).',
};
