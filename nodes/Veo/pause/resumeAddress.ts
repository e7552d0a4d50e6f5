/**
 * Where Ace Data Cloud posts a finished task so that n8n resumes this execution: the execution's
 * resume URL plus the waiting node's id. n8n 2.x signs the resume URL with a `?signature=` token and
 * reads a path after the token as the webhook suffix, so the suffix is appended the same way on both.
 */
export function callbackAddress(resumeUrl: string, nodeId: string): string {
	return `${resumeUrl.replace(/\/+$/, '')}/${nodeId}`;
}

const LOOPBACK_HOSTS = /^(localhost|.*\.localhost|127(\.\d{1,3}){3}|0\.0\.0\.0|\[::1?\]|\[::ffff:127(\.\d{1,3}){3}\])$/i;

/** Whether an address points at the machine it is used on (so nothing elsewhere can reach it). */
export function isLoopbackAddress(address: string): boolean {
	try {
		return LOOPBACK_HOSTS.test(new URL(address).hostname);
	} catch {
		return false;
	}
}
