'use strict';
/**
 * However a user stops `npm start`, nothing it started outlives it: `kill -TERM` of the npm process
 * alone (which ends npm but not the script it runs), and a closing terminal (SIGHUP to the whole
 * foreground process group; n8n runs in a group of its own). After each, n8n's and the emulator's
 * ports answer nothing and no process of the group is left, so the next `npm start` gets port 5678.
 */
const assert = require('node:assert/strict');
const path = require('node:path');
const { capture } = require('../../../scripts/lib/util');
const { until } = require('../harness');
const { launchNpmStart } = require('../npmStart');

const answers = (port) => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) }).then(() => true, () => false);

/** Whether any process of the process group `pgid` is left. */
function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (error) {
		return error.code !== 'ESRCH';
	}
}

/** Kills, with their process groups, whatever still listens on these ports (what a failed check left). */
async function killListeners(ports) {
	for (const port of ports) {
		// `ss` (iproute2) may be missing on a bare machine: then there is nothing more to do here.
		const listening = await capture('ss', ['-Hltnp', `sport = :${port}`]).catch(() => ({ stdout: '' }));
		for (const [, pid] of listening.stdout.matchAll(/pid=(\d+)/g)) {
			try {
				process.kill(-Number(pid), 'SIGKILL');
			} catch {
				process.kill(Number(pid), 'SIGKILL');
			}
		}
	}
}

async function checkStopsEverything(ctx, home, stopIt) {
	const run = await launchNpmStart({ major: ctx.major, install: ctx.install, home: path.join(ctx.work, home), viaNpm: true });
	try {
		assert.ok(await answers(run.port), 'n8n answers before');
		assert.ok(await answers(run.emulatorPort), 'the emulator answers before');
		stopIt(run.child.pid);
		await until('n8n, the emulator and every process of npm start to be gone', async () => !(await answers(run.port)) && !(await answers(run.emulatorPort)) && !groupAlive(run.child.pid), 60000, 500);
		assert.match(run.output(), /stopped\./, 'npm start stopped n8n and the emulator itself');
	} catch (error) {
		throw run.fail(error.message);
	} finally {
		if (groupAlive(run.child.pid)) process.kill(-run.child.pid, 'SIGKILL');
		await killListeners([run.port, run.emulatorPort]);
	}
}

module.exports = {
	name: 'npm-start-stop',
	about: 'npm start leaves nothing running after kill -TERM of the npm process or a closing terminal (SIGHUP)',
	async run(ctx) {
		await ctx.check('npm start: kill -TERM of the npm process stops start.js, n8n and the emulator', async () => {
			await checkStopsEverything(ctx, 'stop-term-home', (npmPid) => process.kill(npmPid, 'SIGTERM'));
		});
		await ctx.check('npm start: a closing terminal (SIGHUP to its process group) stops start.js, n8n and the emulator', async () => {
			await checkStopsEverything(ctx, 'stop-hup-home', (npmPid) => process.kill(-npmPid, 'SIGHUP'));
		});
	},
};
