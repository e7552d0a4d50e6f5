/** Whether a value is an absolute address with one of the given protocols (http or https by default). */
export function isWebAddress(value: string, protocols = ['http:', 'https:']): boolean {
	try {
		return protocols.includes(new URL(value).protocol);
	} catch {
		return false;
	}
}
