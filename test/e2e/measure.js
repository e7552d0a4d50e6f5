'use strict';
/**
 * `n8n execute` measured: how long it took and the peak memory (VmHWM) of the n8n process.
 */
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const { freePort, parseExecuteOutput } = require('../../scripts/lib/n8n-instance');

/**
 * `n8n execute --id=<workflowId>` with the peak RSS (VmHWM) of the n8n process sampled every 20 ms:
 * { code, peak (bytes), took (ms), run (the parsed run when `keepOutput`) }. Killed after `killAfterMs`.
 */
async function executeMeasured(instance, workflowId, envExtra = {}, { keepOutput = false, killAfterMs = 180000 } = {}) {
	const env = instance.env({ ...envExtra, N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
	const started = Date.now();
	const child = spawn(instance.install.runtime.nodeBin, [instance.install.n8nBin, 'execute', `--id=${workflowId}`, ...(keepOutput ? ['--rawOutput'] : [])], {
		env,
		cwd: instance.userFolder,
		stdio: ['ignore', keepOutput ? 'pipe' : 'ignore', keepOutput ? 'pipe' : 'ignore'],
	});
	let stdout = '';
	let stderr = '';
	child.stdout?.on('data', (chunk) => (stdout += chunk));
	child.stderr?.on('data', (chunk) => (stderr += chunk));
	let peak = 0;
	const sampler = setInterval(() => {
		try {
			const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
			peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
		} catch {
			// the process has just exited
		}
	}, 20);
	const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
	const code = await new Promise((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
	clearInterval(sampler);
	clearTimeout(killer);
	fs.appendFileSync(instance.logFile, `\n$ n8n execute --id=${workflowId}  (exit ${code}, peak RSS ${peak} B)\n${stdout.slice(-20000)}${stderr}`);
	return { code, peak, took: Date.now() - started, stdout, stderr, run: keepOutput ? parseExecuteOutput(stdout) : undefined };
}

module.exports = { executeMeasured };
