'use strict';
/**
 * What several scenarios name: the emulator tokens, the emulator credential, the example workflows'
 * ids (fixed in examples/*.json so that `n8n execute --id` finds them) and how to read an example.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { ROOT } = require('../../scripts/lib/util');
const { PACKAGE, NODE_TYPE } = require('./harness');

const TOKEN = 'e2e-good-token-7f3a';
const BAD_TOKEN = 'e2e-wrong-token';
const PLATFORM_TOKEN = 'platform-e2e-token-91c4';
const TOOL_TYPE = `${PACKAGE}.veoTool`;
const CRED_ID = 'veoLocalEmulator';
const CRED_NAME = 'Veo (local emulator)';
const EXAMPLE_IDS = {
	text: 'veoExample01Text',
	image: 'veoExample02Imag',
	batch: 'veoExample03Batc',
	wait: 'veoExample04Wait',
	hd: 'veoExample05Hd10',
	agent: 'veoExample06Agen',
	pause: 'veoExample07Paus',
	binary: 'veoExample08Binr',
	failures: 'veoExample09Fail',
};

const readExample = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', file), 'utf8'));

/**
 * Callback mode ("Pause Until Ace Data Cloud Calls Back") in `n8n start` is checked on example 7 as it
 * is: an active workflow whose Webhook trigger answers at once (responseMode onReceived: the caller never
 * holds a connection while the video renders), the Veo node (version 2) pausing the execution, and a No
 * Op node after it to show the resumed run goes on. Its webhook path and node names come from the file.
 */
function pauseExample() {
	const workflow = readExample('07-pause-until-callback.json');
	assert.equal(workflow.id, EXAMPLE_IDS.pause);
	const webhook = workflow.nodes.find((n) => n.type === 'n8n-nodes-base.webhook');
	const veo = workflow.nodes.find((n) => n.type === NODE_TYPE);
	const [[next]] = workflow.connections[veo.name].main;
	return { workflow, path: webhook.parameters.path, webhook, veo, next: next.node };
}


module.exports = { TOKEN, BAD_TOKEN, PLATFORM_TOKEN, TOOL_TYPE, CRED_ID, CRED_NAME, EXAMPLE_IDS, readExample, pauseExample };
