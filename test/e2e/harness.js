'use strict';
/**
 * What the e2e scripts (run.js, queue.js) share besides the REST calls (scripts/lib/n8n-rest.js):
 *
 *   MAJORS, KEEP, argValue('binary')      the command line: --n8n=1,2 (or VEO_E2E_N8N), --keep, --name=value
 *   PACKAGE, NODE_TYPE                    the package's name and its node type
 *   await test('name', async () => …)     one check: a ✔ line with its time, or ✘ with the error and what
 *                                         showOnFailure() gives (the log tails of the n8n under test);
 *                                         returns whether it passed
 *   await packAndBuildEmulator(dir)       the first check of both: { tarball, VeoEmulator, ms }
 *   setupFailed('n8n 1.x set-up', error)  records a failure outside a check
 *   finish('e2e', startedAt, timeLines)   the time lines, the failures again, `e2e: N passed, M failed (T s)`,
 *                                         and the exit code
 *   await until('what', probe)            polls `probe` until it returns something truthy
 *   answerOf(callback)                    n8n's answer to an emulator callback, parsed when JSON
 *   escapeRe(text)                        `text` as a literal inside a RegExp
 */
const { jsonOrText, log, sleep } = require('../../scripts/lib/util');
const { buildEmulator } = require('../../scripts/lib/emulator');
const { packPackage } = require('../../scripts/lib/pack');

const args = process.argv.slice(2);
const argValue = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const MAJORS = (argValue('n8n') || process.env.VEO_E2E_N8N || '1,2').split(',').map(Number);
const KEEP = args.includes('--keep');

const PACKAGE = 'n8n-nodes-acedatacloud-veo';
const NODE_TYPE = `${PACKAGE}.veo`;

// ----- a tiny check runner -----

const results = [];
let failureContext = () => undefined;

/** What to print under a failed check (e.g. the last lines of n8n's log); undefined for nothing. */
function showOnFailure(fn) {
	failureContext = fn || (() => undefined);
}

async function test(name, fn) {
	const started = Date.now();
	try {
		await fn();
		results.push({ name, ok: true });
		log(`  ✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
		return true;
	} catch (error) {
		results.push({ name, ok: false, error });
		log(`  ✘ ${name}`);
		console.log(indent(error.stack || String(error)));
		const context = failureContext();
		if (context) console.log(indent(context));
		return false;
	}
}

/**
 * The check both scripts start with: builds and packs the package into `dir` (the tarball they install)
 * and compiles the Veo emulator. Returns { tarball, VeoEmulator, ms }; both undefined when it failed.
 */
async function packAndBuildEmulator(dir) {
	const started = Date.now();
	const built = {};
	await test('build and pack the package; compile the emulator', async () => {
		built.tarball = await packPackage(dir);
		built.VeoEmulator = (await buildEmulator()).VeoEmulator;
	});
	return { ...built, ms: Date.now() - started };
}

function setupFailed(name, error) {
	results.push({ name, ok: false, error });
	log(`  ✘ ${name} failed`);
	console.log(indent(error.stack || String(error)));
}

const allPassed = () => results.every((r) => r.ok);

/** Prints `time: …` lines, the failed checks again and the summary line; exits 1 when anything failed. */
function finish(title, startedAt, timeLines = []) {
	const failed = results.filter((r) => !r.ok);
	console.log('');
	for (const line of timeLines) log(`time: ${line}`);
	if (failed.length) {
		console.log('\nFailed:');
		for (const f of failed) console.log(`  ✘ ${f.name}: ${String(f.error?.message).split('\n')[0]}`);
	}
	console.log(`\n${title}: ${results.length - failed.length} passed, ${failed.length} failed (${Math.round((Date.now() - startedAt) / 1000)} s)`);
	process.exit(failed.length ? 1 : 0);
}

function indent(text) {
	return String(text)
		.split('\n')
		.map((l) => `      ${l}`)
		.join('\n');
}

// ----- small helpers -----

/** Polls `probe` (sync or async) every `intervalMs` until it returns a truthy value, which it returns. */
async function until(what, probe, timeoutMs = 20000, intervalMs = 100) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/** What n8n answered a callback of the emulator: parsed JSON, or the raw text (so a wrong answer shows as it is). */
const answerOf = (callback) => jsonOrText(callback.responseBody);

const escapeRe = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Nodes of the workflows the e2e builds. A Webhook trigger: POST, answering at once. */
function webhookNode({ id, webhookId, path, position = [0, 0] }) {
	return {
		id,
		webhookId,
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position,
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

/** The Veo node, version 2.1: text to video with the given wait mode, downloading the video. */
function veoNode({ id, credential, prompt, waitMode, options = {}, position }) {
	return {
		id,
		name: 'Veo',
		type: NODE_TYPE,
		typeVersion: 2.1,
		position,
		credentials: { aceDataCloudApi: credential },
		parameters: {
			operation: 'textToVideo',
			prompt,
			model: 'veo3-fast',
			waitMode,
			downloadVideo: true,
			outputBinaryField: 'data',
			options,
		},
	};
}

/** A connection into a node's first input. */
const mainTo = (node) => ({ node, type: 'main', index: 0 });

/**
 * The head of a batch workflow run by hand: Manual Trigger "Start" → Set "Prompts" (the list) → Split Out
 * "Split", one item per prompt, into `next`. Node ids come from `ids(1..3)`.
 */
function promptsHead({ ids, prompts, next }) {
	return {
		nodes: [
			{ id: ids(1), name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{ id: ids(2), name: 'Prompts', type: 'n8n-nodes-base.set', typeVersion: 3.4, position: [220, 0], parameters: { mode: 'raw', jsonOutput: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }), options: {} } },
			{ id: ids(3), name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [440, 0], parameters: { fieldToSplitOut: 'prompts', options: {} } },
		],
		connections: { Start: { main: [[mainTo('Prompts')]] }, Prompts: { main: [[mainTo('Split')]] }, Split: { main: [[mainTo(next)]] } },
	};
}

/** The head of a batch workflow called over HTTP: Webhook (POST `path`) → Split Out "Split" (body.prompts) into `next`. */
function webhookHead({ ids, path, next }) {
	return {
		nodes: [
			webhookNode({ id: ids(1), webhookId: ids(9), path }),
			{ id: ids(2), name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, position: [220, 0], parameters: { fieldToSplitOut: 'body.prompts', options: {} } },
		],
		connections: { Webhook: { main: [[mainTo('Split')]] }, Split: { main: [[mainTo(next)]] } },
	};
}

/** A No Op named "Done": shows that the workflow goes on after the Veo node, binaries included. */
function doneNode({ id, position }) {
	return { id, name: 'Done', type: 'n8n-nodes-base.noOp', typeVersion: 1, position, parameters: {} };
}

module.exports = {
	webhookNode,
	mainTo,
	promptsHead,
	webhookHead,
	veoNode,
	doneNode,
	MAJORS,
	KEEP,
	argValue,
	PACKAGE,
	NODE_TYPE,
	test,
	showOnFailure,
	packAndBuildEmulator,
	setupFailed,
	allPassed,
	finish,
	indent,
	until,
	answerOf,
	escapeRe,
};
