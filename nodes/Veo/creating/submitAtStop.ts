import type { VeoCreateBody } from '../helpers/requestBody';

/** A create request that was still waiting for its answer when the user stopped the execution. */
export interface SubmitInFlight {
	itemIndex: number;
	body: VeoCreateBody;
	sentAt: number;
}

/**
 * What the stopped execution's error says about a create the stop cut off: the service may have
 * created (and will charge) it all the same. The node cannot look for it: n8n gives every
 * authenticated request the execution's cancel signal (httpRequestWithAuthentication, 1.x and 2.x),
 * so after a stop no request to the service can go out.
 */
export function stoppedSubmitNote(submit: SubmitInFlight): string {
	const at = new Date(submit.sentAt).toISOString();
	return `A video request for item ${submit.itemIndex} was under way when the execution was stopped (sent at ${at}); Ace Data Cloud may have created it all the same. Look for a task created at that time in your Ace Data Cloud console before submitting it again.`;
}
