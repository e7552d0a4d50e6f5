import codex from '../../../nodes/Veo/Veo.node.json';

/**
 * n8n's node picker (editor-ui's nodeCreator store, `filterOutAiNodes`, in 1.123 and 2.41) drops from
 * its search results every node whose codex category is "AI" unless its AI subcategories include
 * "Root Nodes": such a node is taken for a sub-node that only belongs under an agent or a chain.
 */
const shownBySearch = (c: { categories?: string[]; subcategories?: Record<string, string[]> }): boolean =>
	!c.categories?.includes('AI') || (c.subcategories?.AI ?? []).includes('Root Nodes');

describe('Veo.node.json (the codex)', () => {
	it('lets the node picker find Veo by search', () => {
		expect(shownBySearch(codex)).toBe(true);
	});

	it('keeps Veo under AI, so the AI section of the picker lists it too', () => {
		expect(codex.categories).toContain('AI');
	});

	it('names the node type the package registers', () => {
		expect(codex.node).toBe('n8n-nodes-acedatacloud-veo.veo');
	});
});
