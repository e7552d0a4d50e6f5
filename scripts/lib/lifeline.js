'use strict';
/**
 * `npm start` must not outlive whoever started it. A terminal that closes sends SIGHUP; `kill -TERM`
 * of the npm process ends npm (and the `sh -c` it runs scripts with) but not this script, which would
 * keep n8n running on its port. So the script watches the processes that launched it, up to npm itself,
 * and stops everything once one of them is gone.
 *
 *   launcherChain()                   the pids from this process's parent up to the npm process (Linux,
 *                                     from /proc); just the parent elsewhere or when npm is not among them
 *   watchLaunchers(onGone, everyMs)   calls onGone() once, when a launcher has exited; returns stop()
 */
const fs = require('node:fs');

/** A process's parent pid and state, from /proc/<pid>/stat; undefined when there is no such file. */
function statOf(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// "pid (command) state ppid …": the command may hold spaces and parentheses.
		const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return { state, ppid: Number(ppid) };
	} catch {
		return undefined;
	}
}

const isNpm = (pid) => {
	try {
		const args = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
		return args.some((arg) => /(^|\/)npm(-cli\.js)?$/.test(arg));
	} catch {
		return false;
	}
};

function launcherChain() {
	const chain = [];
	for (let pid = process.ppid; pid > 1 && chain.length < 6; pid = statOf(pid)?.ppid ?? 0) {
		chain.push(pid);
		if (isNpm(pid)) return chain;
	}
	return [process.ppid];
}

/** Gone: no such process, or one that has exited and waits for its parent to collect it. */
function isGone(pid) {
	const stat = statOf(pid);
	if (stat) return stat.state === 'Z' || stat.state === 'X';
	try {
		process.kill(pid, 0);
		return false;
	} catch (error) {
		return error.code === 'ESRCH';
	}
}

function watchLaunchers(onGone, everyMs = 1000) {
	const chain = launcherChain();
	const firstParent = process.ppid;
	const timer = setInterval(() => {
		if (process.ppid !== firstParent || chain.some(isGone)) {
			clearInterval(timer);
			onGone();
		}
	}, everyMs);
	timer.unref();
	return () => clearInterval(timer);
}

module.exports = { launcherChain, watchLaunchers };
