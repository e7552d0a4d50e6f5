'use strict';
/** How the pause-mode scenarios read callback addresses and the look-ups the node makes. */
const assert = require('node:assert/strict');
const { escapeRe } = require('./harness');

/** The execution id in a callback address (`…/webhook-waiting/<id>[?signature=…]/<node id>`). */
const executionOfUrl = (url) => /\/webhook-waiting\/([^/?]+)/.exec(url)?.[1];

/** What a callback address looks like: the execution's resume URL (signed on 2.x) plus the Veo node's id. */
const callbackUrlShape = (instance, major, veoNodeId) =>
	new RegExp(`^${escapeRe(instance.baseUrl)}/webhook-waiting/\\d+${major >= 2 ? '\\?signature=[0-9a-f]+' : ''}/${veoNodeId}$`);

/** Checks an emulator create of callback mode: the body poll mode sends, plus the callback address. */
function checkCallbackCreate(create, urlShape, model) {
	assert.match(create.body.callback_url, urlShape, 'callback_url: the execution resume URL plus the node id');
	const { callback_url: _, ...rest } = create.body;
	assert.deepEqual(rest, { action: 'text2video', model, prompt: create.body.prompt, async: true });
}

/** A task query as `action:sorted ids` (retrieve asks about one task, retrieve_batch about several). */
const lookupKey = (q) => `${q.body.action}:${(q.body.action === 'retrieve' ? [q.body.id] : [...q.body.ids]).sort().join(',')}`;

/** The look-up the node makes about these tasks: retrieve for one, retrieve_batch for more. */
const lookupOf = (taskIds) => (taskIds.length === 1 ? `retrieve:${taskIds[0]}` : `retrieve_batch:${[...taskIds].sort().join(',')}`);

module.exports = { executionOfUrl, callbackUrlShape, checkCallbackCreate, lookupKey, lookupOf };
