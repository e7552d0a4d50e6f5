/**
 * A problem with what the user entered, found before any request is sent. It names the field as the
 * user sees it in the node, so the action layer can turn it into a NodeOperationError for the item.
 */
export class InputError extends Error {
	constructor(
		readonly field: string,
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'InputError';
	}
}
