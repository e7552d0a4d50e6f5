'use strict';
/**
 * What every scenario's `run(ctx)` gets, one ctx per n8n version:
 *
 *   major, label         1 or 2; '[n8n 1.123.81]', the prefix of every check's name
 *   check(name, fn)      one check (harness.test): a ✔ line with its time, or ✘ with the error and the
 *                        last lines of n8n's log; returns whether it passed
 *   install              the cached n8n install (scripts/lib/n8n-install.js): runtime, n8n binary, profile
 *   instance             an N8nInstance (scripts/lib/n8n-instance.js) on a throw-away user folder: its CLI
 *                        (execute, import, …) works at once; `n8n start` through startServer()
 *   startServer()        starts `n8n start` and signs in as the owner, once; later calls do nothing
 *   work                 this version's throw-away folder (removed at the end unless --keep)
 *   tarball              the packed package (npm pack)
 *   emu, baseUrl         the Veo emulator in this process (1 s pending, 2 s running; a prompt containing
 *                        REJECT-ME fails) and its URL: the credential CRED_ID of fixtures.js points at it
 *   cbEmu, cbBaseUrl     a second emulator (5 s videos) for the pause scenarios, so that its request
 *                        log holds only their traffic
 *   platform             the files endpoint's emulator (its own base URL and PLATFORM_TOKEN): the
 *                        credential CRED_ID uploads binary images there
 *   scenarios            the scenarios of this run (setup imports what they declare)
 *   VeoEmulator          the emulator's class, for a scenario that needs one of its own
 *   timings              name → seconds, printed at the end
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { N8nInstance } = require('../../scripts/lib/n8n-instance');
const { test } = require('./harness');
const { EMULATOR_BUILD_DIR } = require('../../scripts/lib/emulator');
const { PLATFORM_TOKEN, TOKEN } = require('./fixtures');

const OWNER = { email: 'e2e@example.com', password: 'E2e-Passw0rd!' };

/** Builds the ctx for one n8n version and starts its emulators; `close()` stops everything it started. */
async function createContext({ major, install, tarball, VeoEmulator, scenarios, timings }) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), `veo-e2e-n8n${major}-`));
	const instance = new N8nInstance(install, path.join(work, 'home'));
	const emu = new VeoEmulator({ token: TOKEN, pendingMs: 1000, runningMs: 2000, videoSize: 256 * 1024 + 7 });
	emu.failTask('REJECT-ME');
	// The words npm start's emulator reacts to (#reject, #slow, #never), for example 9.
	require(path.join(EMULATOR_BUILD_DIR, 'promptTriggers.js')).addPromptTriggers(emu);
	const baseUrl = await emu.start();
	const cbEmu = new VeoEmulator({ token: TOKEN, pendingMs: 2000, runningMs: 3000, videoSize: 192 * 1024 + 5 });
	const cbBaseUrl = await cbEmu.start();
	const { PlatformFilesEmulator } = require(path.join(EMULATOR_BUILD_DIR, 'platformFiles.js'));
	const platform = new PlatformFilesEmulator({ token: PLATFORM_TOKEN });
	await platform.start();
	const label = `[n8n ${install.profile.n8n}]`;
	return {
		major,
		label,
		install,
		instance,
		work,
		tarball,
		emu,
		baseUrl,
		cbEmu,
		cbBaseUrl,
		platform,
		scenarios,
		timings,
		VeoEmulator,
		check: (name, fn) => test(`${label} ${name}`, fn),
		async startServer() {
			if (instance.server) return;
			await instance.start();
			await instance.ensureOwner(OWNER);
		},
		async close() {
			await instance.stop();
			await emu.stop();
			await cbEmu.stop();
			await platform.stop();
		},
	};
}

module.exports = { createContext };
