import type { INode } from 'n8n-workflow';

/**
 * What the node's "On Error" setting asks for when an item fails:
 * - `stop`: the node fails, and the workflow with it;
 * - `continueRegularOutput`: the failed item goes on, beside the others, as an error item;
 * - `continueErrorOutput`: the failed item goes to the node's error output (its second output).
 */
export type OnError = 'stop' | 'continueRegularOutput' | 'continueErrorOutput';

/**
 * Read as n8n-core's `continueOnFail()` reads it (1.x and 2.x): `onError`, when set, decides; only
 * workflows saved before `onError` existed fall back to the legacy `continueOnFail` flag. So
 * `continueOnFail: true` beside `onError: 'stopWorkflow'` stops. Both the running node and the
 * callback that resumes a paused one read it here.
 */
export function onErrorOf(node: Pick<INode, 'onError' | 'continueOnFail'>): OnError {
	const { onError } = node;
	if (onError === undefined) return node.continueOnFail === true ? 'continueRegularOutput' : 'stop';
	if (onError === 'continueRegularOutput' || onError === 'continueErrorOutput') return onError;
	return 'stop';
}
