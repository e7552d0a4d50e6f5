'use strict';
// Small helpers shared by the start script, the n8n installer and the e2e runner. Node built-ins only.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');

function stamp() {
	return new Date().toISOString().slice(11, 19);
}

function log(...parts) {
	console.log(`[${stamp()}]`, ...parts);
}

/** Last `lines` lines of a text file (or '' when it does not exist). */
function tail(file, lines = 40) {
	try {
		const text = fs.readFileSync(file, 'utf8');
		return text.split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/**
 * Runs a command to completion with its output appended to `logFile`. While it runs, prints a
 * heartbeat every `heartbeatMs` (long installs must not look hung). Rejects with the log tail.
 */
function run(cmd, args, { cwd, env, logFile, label, heartbeatMs = 30000, quiet = false } = {}) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
		if (logFile) fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
		const timer = quiet
			? undefined
			: setInterval(() => {
					const s = Math.round((Date.now() - started) / 1000);
					log(`  … ${label || cmd} still running (${s} s)${logFile ? `, log: ${logFile}` : ''}`);
				}, heartbeatMs);
		const done = (error) => {
			if (timer) clearInterval(timer);
			if (typeof out === 'number') fs.closeSync(out);
			if (error) {
				const where = logFile ? `\n--- last lines of ${logFile} ---\n${tail(logFile, 30)}` : '';
				error.message += where;
				reject(error);
			} else resolve(Math.round((Date.now() - started) / 1000));
		};
		child.on('error', done);
		child.on('exit', (code, signal) =>
			done(code === 0 ? undefined : new Error(`${label || cmd} failed (exit ${code ?? signal})`)),
		);
	});
}

/** Runs a command and collects stdout/stderr (for short calls such as `n8n execute`). */
function capture(cmd, args, { cwd, env, timeoutMs = 180000, input, uid, gid } = {}) {
	return new Promise((resolve) => {
		// uid/gid (root only) run the command as another user, e.g. PostgreSQL, which refuses root.
		const ids = uid === undefined ? {} : { uid, gid };
		const child = spawn(cmd, args, { cwd, env, ...ids, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		if (input !== undefined) child.stdin.end(input);
		const timer = setTimeout(() => {
			stderr += `\n[killed after ${timeoutMs} ms]`;
			child.kill('SIGKILL');
		}, timeoutMs);
		child.on('exit', (code, signal) => {
			clearTimeout(timer);
			resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr });
		});
		child.on('error', (error) => {
			clearTimeout(timer);
			resolve({ code: 127, stdout, stderr: stderr + String(error) });
		});
	});
}

function rmrf(p) {
	fs.rmSync(p, { recursive: true, force: true });
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `text` parsed as JSON, or `text` itself when it is not JSON (so an unexpected answer shows as it is). */
function jsonOrText(text) {
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

module.exports = { ROOT, log, tail, run, capture, rmrf, sleep, jsonOrText };
