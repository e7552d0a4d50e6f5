'use strict';
/**
 * `npm start` (scripts/start.js) as a newcomer runs it, in a throw-away n8n user folder, for the
 * scenarios that use the n8n it serves (npm-start, browser):
 *
 *   const run = await launchNpmStart({ major, install, home })   resolves once it prints "is running"
 *       viaNpm: true runs `npm start -- …` (the npm process first) in its own process group, as a
 *       terminal does, instead of `node scripts/start.js …`
 *   run.ui        an N8nInstance for that n8n (REST calls, log tail); run.port; run.emulatorPort; run.output()
 *   run.child     the process started (npm, or node running start.js)
 *   run.fail(what)  an Error with `what`, the end of npm start's output and of n8n's log
 *   await run.stop('SIGINT')   sends the signal; resolves to the exit code (or signal), 'timeout' after 40 s
 */
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ROOT, sleep } = require('../../scripts/lib/util');
const { N8nInstance, freePort } = require('../../scripts/lib/n8n-instance');

async function launchNpmStart({ major, install, home, viaNpm = false }) {
	const port = await freePort();
	const emulatorPort = await freePort();
	const options = [`--n8n=${major}`, `--port=${port}`];
	const [command, args] = viaNpm ? ['npm', ['start', '--', ...options]] : [process.execPath, [path.join(ROOT, 'scripts', 'start.js'), ...options]];
	const child = spawn(command, args, {
		cwd: ROOT,
		env: {
			...process.env,
			VEO_START_HOME: home,
			VEO_EMULATOR_PORT: String(emulatorPort),
			ACEDATA_API_TOKEN: 'e2e-real-service-token-never-used',
		},
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: viaNpm,
	});
	let output = '';
	child.stdout.on('data', (d) => (output += d));
	child.stderr.on('data', (d) => (output += d));
	const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
	const ui = new N8nInstance(install, home);
	ui.baseUrl = `http://127.0.0.1:${port}`;
	const fail = (what) => new Error(`${what}\n--- npm start output ---\n${output.slice(-3000)}\n${ui.logTail(25)}`);
	const stop = async (signal) => {
		if (child.exitCode === null && child.signalCode === null) child.kill(signal);
		const code = await Promise.race([exited, sleep(40000).then(() => 'timeout')]);
		if (code === 'timeout') child.kill('SIGKILL');
		return code;
	};
	const deadline = Date.now() + 240000;
	while (!output.includes('is running')) {
		const problem =
			child.exitCode !== null ? `npm start exited (${child.exitCode}) before n8n was up` : Date.now() > deadline ? 'npm start did not get n8n up within 240 s' : undefined;
		if (problem) {
			await stop('SIGINT');
			throw fail(problem);
		}
		await sleep(500);
	}
	return { child, ui, port, emulatorPort, output: () => output, fail, stop };
}

module.exports = { launchNpmStart };
