'use strict';
/**
 * Debian packages the tests need (Redis and PostgreSQL for queue mode, Chromium for the browser test),
 * installed with apt-get when missing, as CI runs as root on Debian with the Debian mirrors reachable.
 *
 *   which('chromium')                                  the executable on PATH (or /usr/bin…), or undefined
 *   await ensureDebianPackages({ what, missing, logFile })
 *       `missing()` names the packages still to install (checked again afterwards). Installs only those
 *       (`apt-get install` of an installed package would upgrade it as a side effect), running
 *       `apt-get update` first only when the install fails without it. Returns { installed, seconds }.
 */
const fs = require('node:fs');
const path = require('node:path');
const { log, run } = require('./util');

function isRoot() {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function which(name) {
	const dirs = (process.env.PATH || '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin', '/usr/local/bin']);
	for (const dir of dirs) {
		const file = path.join(dir, name);
		try {
			fs.accessSync(file, fs.constants.X_OK);
			return file;
		} catch {
			/* next */
		}
	}
	return undefined;
}

async function ensureDebianPackages({ what, missing: missingNow, logFile }) {
	const started = Date.now();
	const missing = missingNow();
	if (missing.length === 0) return { installed: [], seconds: 0 };
	const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
	if (!isRoot()) {
		throw new Error(
			`${what}: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, and installing ` +
				`needs root (this is uid ${process.getuid?.()}). Run as root:\n  ${command}`,
		);
	}
	if (!which('apt-get')) throw new Error(`${what}: ${missing.join(' and ')} missing and there is no apt-get here (not Debian?); install it by hand`);
	log(`${what}: ${missing.join(' and ')} missing; ${command} (log: ${logFile})…`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
	const aptOpts = ['-o', 'DPkg::Lock::Timeout=300', '-o', 'Dpkg::Use-Pty=0'];
	const install = () =>
		run('apt-get', [...aptOpts, 'install', '-y', '--no-install-recommends', ...missing], {
			env,
			logFile,
			label: `apt-get install ${missing.join(' ')}`,
			heartbeatMs: 20000,
		});
	try {
		await install();
	} catch (first) {
		log(`${what}: apt-get install failed (${first.message.split('\n')[0]}); running apt-get update and retrying…`);
		try {
			await run('apt-get', [...aptOpts, 'update'], { env, logFile, label: 'apt-get update', heartbeatMs: 20000 });
			await install();
		} catch (error) {
			throw new Error(`${what}: could not install ${missing.join(' and ')} with apt-get (${command}): ${error.message}`);
		}
	}
	const still = missingNow();
	if (still.length) throw new Error(`${what}: apt-get finished but ${still.join(' and ')} still missing (see ${logFile})`);
	const seconds = Math.round((Date.now() - started) / 1000);
	log(`${what}: installed ${missing.join(' and ')} in ${seconds} s`);
	return { installed: missing, seconds };
}

module.exports = { ensureDebianPackages, which, isRoot };
