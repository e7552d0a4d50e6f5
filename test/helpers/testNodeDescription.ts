import type { INodeTypeDescription } from 'n8n-workflow';

/** The smallest description a test-only node type needs (one string parameter, `value`). */
export const testNodeDescription = (name: string, extra: Partial<INodeTypeDescription> = {}): INodeTypeDescription => ({
	displayName: name,
	name,
	group: ['transform'],
	version: 1,
	description: '',
	defaults: { name },
	inputs: ['main'],
	outputs: ['main'],
	properties: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
	...extra,
});
