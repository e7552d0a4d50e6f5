'use strict';
/**
 * The package as the editor's back end sees it, in `n8n start`: the node, its AI-tool variant and the
 * credential type are registered; every node type and version the examples use exists in this n8n (so
 * the editor opens them); the credential test answers OK for a good token and Error for a bad one, with
 * the free request only, and refuses a token under 6 characters saying so, without sending it.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../../../scripts/lib/util');
const { NODE_TYPE } = require('../harness');
const { TOKEN, BAD_TOKEN, TOOL_TYPE, CRED_ID, CRED_NAME, EXAMPLE_IDS } = require('../fixtures');
const { since } = require('../checks');

module.exports = {
	name: 'credential',
	about: 'n8n start: node and credential types registered, example node versions known, credential test',
	async run(ctx) {
		const { instance, emu, baseUrl } = ctx;

		await ctx.check(`n8n start: node and credential types registered, example node versions known, credential test good and bad, a short token, a Base URL without http(s)`, async () => {
			await ctx.startServer();
			const nodes = await instance.rest('GET', '/types/nodes.json');
			assert.equal(nodes.status, 200, `/types/nodes.json: ${nodes.status}`);
			const list = Array.isArray(nodes.body) ? nodes.body : nodes.body.data;
			const veo = list.find((n) => n.name === NODE_TYPE);
			assert.ok(veo, `${NODE_TYPE} is registered (${list.length} node types)`);
			assert.equal(veo.displayName, 'Veo');
			assert.deepEqual(
				veo.properties.find((p) => p.name === 'operation').options.map((o) => o.value).filter((v) => !v.startsWith('__')).sort(), // n8n adds __CUSTOM_API_CALL__
				['get1080p', 'getTask', 'imageToVideo', 'ingredientsToVideo', 'textToVideo'],
			);
			assert.ok(list.find((n) => n.name === TOOL_TYPE), `${TOOL_TYPE} (AI tool variant) is registered`);
			const creds = await instance.rest('GET', '/types/credentials.json');
			assert.equal(creds.status, 200);
			const credList = Array.isArray(creds.body) ? creds.body : creds.body.data;
			assert.ok(credList.find((c) => c.name === 'aceDataCloudApi'), 'aceDataCloudApi is registered');

			// Every node of every example exists in this n8n with that type version (so the editor opens it).
			const known = new Map();
			for (const n of list) {
				const versions = Array.isArray(n.version) ? n.version : [n.version];
				known.set(n.name, new Set([...(known.get(n.name) || []), ...versions]));
			}
			for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.json'))) {
				const example = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', f), 'utf8'));
				for (const node of example.nodes) {
					assert.ok(known.has(node.type), `${f}: node type ${node.type} is not known to this n8n`);
					assert.ok(
						known.get(node.type).has(node.typeVersion),
						`${f}: ${node.type} has no version ${node.typeVersion} here (has ${[...known.get(node.type)].join(', ')})`,
					);
				}
			}

			const wf = await instance.rest('GET', `/rest/workflows/${EXAMPLE_IDS.agent}`);
			assert.equal(wf.status, 200, `agent example readable: ${JSON.stringify(wf.body).slice(0, 300)}`);
			const toolNode = wf.body.data.nodes.find((n) => n.type === TOOL_TYPE);
			assert.ok(toolNode, 'the agent example holds the Veo tool node');

			const mark = emu.requests.length;
			const testCred = (apiToken, url = baseUrl) =>
				instance.rest('POST', '/rest/credentials/test', {
					credentials: { id: CRED_ID, name: CRED_NAME, type: 'aceDataCloudApi', data: { apiToken, baseUrl: url } },
				});
			const good = await testCred(TOKEN);
			assert.equal(good.status, 200, JSON.stringify(good.body));
			assert.equal(good.body.data.status, 'OK', `good token: ${JSON.stringify(good.body)}`);
			const bad = await testCred(BAD_TOKEN);
			assert.equal(bad.status, 200, JSON.stringify(bad.body));
			assert.equal(bad.body.data.status, 'Error', `bad token: ${JSON.stringify(bad.body)}`);
			const seen = since(emu, mark).queries;
			const shown = JSON.stringify(seen.map((r) => [r.headers.authorization, r.body, r.status]));
			// n8n repeats a request that got 401 once (its re-authentication path): 1 good + 1-2 bad.
			assert.ok(seen.length >= 2 && seen.length <= 3, `credential tests reach the emulator: ${shown}`);
			for (const r of seen) assert.deepEqual(r.body, { action: 'retrieve_batch', ids: [] }, 'the free test request');
			assert.equal(seen[0].headers.authorization, `Bearer ${TOKEN}`);
			assert.equal(seen[0].status, 200);
			for (const r of seen.slice(1)) {
				assert.equal(r.headers.authorization, `Bearer ${BAD_TOKEN}`);
				assert.equal(r.status, 401);
			}

			// A token under 6 characters: the Test says why, as the README does, and sends nothing.
			const beforeShort = emu.requests.length;
			const short = await testCred('abc');
			assert.equal(short.body.data.status, 'Error', `short token: ${JSON.stringify(short.body)}`);
			assert.match(short.body.data.message, /API Token is too short to be a token \(under 6 characters\)/);
			assert.equal(emu.requests.length, beforeShort, 'the short token was not sent');

			// A Base URL without http(s): the Test says so in the node's words, not the HTTP library's.
			const noScheme = await testCred(TOKEN, baseUrl.replace(/^http:\/\//, ''));
			assert.equal(noScheme.body.data.status, 'Error', `Base URL without a scheme: ${JSON.stringify(noScheme.body)}`);
			assert.match(noScheme.body.data.message, /The 'Base URL' of the Ace Data Cloud API credential is not an http or https address/);
			assert.ok(!JSON.stringify(noScheme.body).includes(TOKEN), 'the token is not quoted back');
			assert.equal(emu.requests.length, beforeShort, 'nothing was sent');
		});
	},
};
