'use strict';
/**
 * Redis and PostgreSQL for a queue-mode n8n test, from Debian's packages, started and stopped by the
 * test process itself (no system service is used or needed):
 *
 *   ensureQueuePackages()            installs redis-server and postgresql with apt-get when missing
 *   startRedis({ dir, keep })        -> { port, host, dir, logFile, pid, stop() }
 *   startPostgres({ dir, keep })     -> { port, host, user, password, database, dir, logFile, pid, stop() }
 *
 * Both run as foreground children on 127.0.0.1 at a free port, with their data in a fresh temp folder
 * (removed on stop() unless `keep`), and are killed if the test process exits without stopping them.
 * PostgreSQL refuses to run as root: as root, its folder belongs to the `postgres` system user (made by
 * Debian's postgresql package) and initdb/postgres run under that user's uid/gid.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { log, capture, rmrf, sleep, tail } = require('./util');
const { freePort } = require('./n8n-instance');
const { ensureDebianPackages, which, isRoot } = require('./debian-packages');

const APT_LOG = path.join(os.tmpdir(), 'veo-queue-apt.log');

// ----- kill-on-exit for every child started here (and for n8n processes of the queue launcher) -----

const reapers = new Map(); // id -> () => void, synchronous
let reaperId = 0;
let hooksInstalled = false;

function reapAll() {
	// Last registered first: n8n processes before the folders they use, before PostgreSQL and Redis.
	for (const kill of [...reapers.values()].reverse()) {
		try {
			kill();
		} catch {
			/* already gone */
		}
	}
	reapers.clear();
}

function installExitHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	process.once('exit', reapAll);
	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		// Only when nobody else handles the signal: then do what the default would (die), after the cleanup.
		// A handler added later by the caller (a graceful Ctrl-C) wins; the 'exit' hook still reaps after it.
		const onSignal = () => {
			if (process.listenerCount(signal) > 1) return;
			reapAll();
			process.removeListener(signal, onSignal);
			process.kill(process.pid, signal);
		};
		process.on(signal, onSignal);
	}
}

/**
 * Registers a synchronous kill for when the test process exits (normally, by an uncaught error or by
 * SIGINT/SIGTERM/SIGHUP). Returns a function that unregisters it (call it once the child was stopped).
 */
function killOnExit(kill) {
	installExitHooks();
	const id = ++reaperId;
	reapers.set(id, kill);
	return () => reapers.delete(id);
}

/** kill(pid, signal) that ignores "no such process". */
function signalPid(pid, signal) {
	try {
		process.kill(pid, signal);
		return true;
	} catch {
		return false;
	}
}

// ----- locating and installing the binaries -----

/** The newest /usr/lib/postgresql/<v>/bin that has postgres, initdb and pg_ctl; undefined if none. */
function postgresBinDir() {
	const root = '/usr/lib/postgresql';
	const versions = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((v) => /^\d+(\.\d+)?$/.test(v))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	for (const v of versions) {
		const bin = path.join(root, v, 'bin');
		if (['postgres', 'initdb', 'pg_ctl'].every((b) => fs.existsSync(path.join(bin, b)))) return bin;
	}
	return undefined;
}

function missingQueuePackages() {
	const missing = [];
	if (!which('redis-server')) missing.push('redis-server');
	if (!postgresBinDir()) missing.push('postgresql');
	return missing;
}

/**
 * Makes sure redis-server and the PostgreSQL server binaries are there; installs the missing ones with
 * `apt-get install -y --no-install-recommends` (running `apt-get update` first only when the install
 * fails without it). Needs root. Returns { installed: [...], seconds, redisServer, postgresBin }.
 */
async function ensureQueuePackages() {
	const { installed, seconds } = await ensureDebianPackages({ what: 'queue services', missing: missingQueuePackages, logFile: APT_LOG });
	if (!installed.length) log(`queue services: redis-server and PostgreSQL (${postgresBinDir()}) are installed`);
	return { installed, seconds, redisServer: which('redis-server'), postgresBin: postgresBinDir() };
}

// ----- helpers -----

/** A fresh folder `<parent>/<prefix>XXXXXX`. */
function makeTempDir(parent, prefix) {
	fs.mkdirSync(parent, { recursive: true });
	return fs.mkdtempSync(path.join(parent, prefix));
}

/** Whether user `uid` can reach into `dir` (every ancestor searchable by it). Root callers only. */
function reachableBy(dir, uid, gid) {
	let current = path.resolve(dir);
	for (;;) {
		let st;
		try {
			st = fs.statSync(current);
		} catch {
			return false;
		}
		const ok = st.uid === uid ? st.mode & 0o100 : st.gid === gid ? st.mode & 0o010 : st.mode & 0o001;
		if (!ok) return false;
		const parent = path.dirname(current);
		if (parent === current) return true;
		current = parent;
	}
}

function chownRecursive(target, uid, gid) {
	fs.chownSync(target, uid, gid);
	if (fs.statSync(target).isDirectory()) {
		for (const name of fs.readdirSync(target)) chownRecursive(path.join(target, name), uid, gid);
	}
}

function systemUser(name) {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/** Spawns a long-running child with stdout/stderr appended to `logFile`; tracks its exit. */
function spawnLogged(cmd, args, { logFile, env, cwd, uid, gid }) {
	const out = fs.openSync(logFile, 'a');
	fs.writeSync(out, `\n$ ${cmd} ${args.join(' ')}\n`);
	const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out], uid, gid });
	fs.closeSync(out);
	child.exitInfo = undefined;
	child.exited = new Promise((resolve) => {
		child.once('exit', (code, signal) => {
			child.exitInfo = code ?? signal;
			resolve(child.exitInfo);
		});
		child.once('error', (error) => {
			child.exitInfo = String(error);
			resolve(child.exitInfo);
		});
	});
	return child;
}

/** Stops a child: `signal`, then SIGKILL after `graceMs`. */
async function stopChild(child, signal, graceMs) {
	if (!child || child.exitInfo !== undefined) return;
	signalPid(child.pid, signal);
	const timer = setTimeout(() => signalPid(child.pid, 'SIGKILL'), graceMs);
	await child.exited;
	clearTimeout(timer);
}

// ----- Redis -----

/** Sends PING over a raw TCP connection; resolves true on +PONG. */
function redisPing(port, host = '127.0.0.1', timeoutMs = 1000) {
	return new Promise((resolve) => {
		const socket = net.connect({ port, host });
		let answer = '';
		const done = (ok) => {
			socket.destroy();
			resolve(ok);
		};
		socket.setTimeout(timeoutMs, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			answer += d;
			if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
		});
	});
}

/**
 * Starts redis-server on 127.0.0.1 at a free port, without persistence, as a foreground child.
 * `dir`: parent folder for its temp folder (default the OS temp folder). Resolves once PING answers PONG.
 */
async function startRedis({ dir, keep = false, timeoutMs = 30000 } = {}) {
	const redisServer = which('redis-server');
	if (!redisServer) throw new Error('redis-server is not installed (call ensureQueuePackages() first)');
	const home = makeTempDir(dir || os.tmpdir(), 'veo-redis-');
	const logFile = path.join(home, 'redis.log');
	let lastError;
	for (let attempt = 1; attempt <= 3; attempt++) {
		const port = await freePort();
		const args = [
			'--port', String(port),
			'--bind', '127.0.0.1',
			'--save', '',
			'--appendonly', 'no',
			'--dir', home,
			'--daemonize', 'no',
			'--supervised', 'no',
			'--logfile', '',
			'--databases', '4',
		];
		const child = spawnLogged(redisServer, args, { logFile, cwd: home });
		const unregister = killOnExit(() => {
			signalPid(child.pid, 'SIGKILL');
			if (!keep) rmrf(home);
		});
		const deadline = Date.now() + timeoutMs;
		while (child.exitInfo === undefined && Date.now() < deadline) {
			if (await redisPing(port)) {
				log(`redis-server on 127.0.0.1:${port} (pid ${child.pid}, folder ${home})`);
				let stopped;
				return {
					host: '127.0.0.1',
					port,
					dir: home,
					logFile,
					pid: child.pid,
					process: child,
					stop: () =>
						(stopped ??= (async () => {
							await stopChild(child, 'SIGTERM', 10000);
							unregister();
							if (keep) log(`kept Redis folder ${home}`);
							else rmrf(home);
						})()),
				};
			}
			await sleep(100);
		}
		await stopChild(child, 'SIGKILL', 1000);
		unregister();
		lastError = new Error(
			`redis-server did not answer PING on port ${port} (${child.exitInfo !== undefined ? `exited ${child.exitInfo}` : `${timeoutMs / 1000} s`})\n${tail(logFile, 20)}`,
		);
		if (!/Address already in use/i.test(tail(logFile, 20))) break; // only a lost port race is worth a retry
	}
	if (!keep) rmrf(home);
	throw lastError;
}

// ----- PostgreSQL -----

/**
 * Starts a throw-away PostgreSQL cluster on 127.0.0.1 at a free port (unix socket inside its temp
 * folder), with a database and a password user for n8n. `dir`: parent folder for the temp folder
 * (default the OS temp folder; as root it must be reachable by the postgres user, else the OS temp
 * folder is used). Resolves once the n8n user can connect over TCP.
 */
async function startPostgres({ dir, keep = false, database = 'n8n', user = 'n8n', password, timeoutMs = 60000 } = {}) {
	const bin = postgresBinDir();
	if (!bin) throw new Error('the PostgreSQL server is not installed (call ensureQueuePackages() first)');
	password = password || `n8n-${crypto.randomBytes(9).toString('hex')}`;

	// PostgreSQL refuses to run as root: then its files belong to, and it runs as, the postgres user.
	let runAs = {};
	if (isRoot()) {
		const pg = systemUser('postgres');
		if (!pg) throw new Error('running as root but there is no `postgres` system user (Debian\'s postgresql package makes it)');
		runAs = { uid: pg.uid, gid: pg.gid };
	}
	let parent = dir || os.tmpdir();
	if (isRoot() && !reachableBy(parent, runAs.uid, runAs.gid)) {
		log(`postgres: ${parent} is not reachable by the postgres user; using ${os.tmpdir()} instead`);
		parent = os.tmpdir();
	}
	const home = makeTempDir(parent, 'veo-pg-');
	const dataDir = path.join(home, 'data');
	const socketDir = path.join(home, 'socket');
	const logFile = path.join(home, 'postgres.log');
	fs.mkdirSync(socketDir);
	fs.writeFileSync(logFile, '');
	if (isRoot()) chownRecursive(home, runAs.uid, runAs.gid);
	fs.chmodSync(home, 0o755); // root (the caller) reads the log; postgres owns the rest

	const cleanup = () => {
		if (keep) log(`kept PostgreSQL folder ${home}`);
		else rmrf(home);
	};
	// initdb and postgres find their own share/lib through their path; a clean env avoids PG* surprises.
	const env = { PATH: `${bin}${path.delimiter}${process.env.PATH || ''}`, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', HOME: home };
	const initdb = await capture(
		path.join(bin, 'initdb'),
		['-D', dataDir, '--username=postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C', '--no-sync'],
		{ env, cwd: home, timeoutMs: 120000, ...runAs },
	);
	fs.appendFileSync(logFile, `\n$ initdb (exit ${initdb.code})\n${initdb.stdout}${initdb.stderr}`);
	if (initdb.code !== 0) {
		cleanup();
		throw new Error(`initdb failed (exit ${initdb.code}):\n${initdb.stdout}${initdb.stderr}`);
	}

	let lastError;
	for (let attempt = 1; attempt <= 3; attempt++) {
		const port = await freePort();
		const args = [
			'-D', dataDir,
			'-p', String(port),
			'-k', socketDir,
			'-c', 'listen_addresses=127.0.0.1',
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=60',
			'-c', 'logging_collector=off',
			'-c', 'log_min_messages=warning',
		];
		const child = spawnLogged(path.join(bin, 'postgres'), args, { logFile, env, cwd: home, ...runAs });
		// SIGQUIT: immediate shutdown, the postmaster takes its backends down with it.
		const unregister = killOnExit(() => {
			signalPid(child.pid, 'SIGQUIT');
			if (!keep) rmrf(home);
		});
		const psql = (sql, as = 'postgres', db = 'postgres') =>
			capture(path.join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-p', String(port), '-U', as, '-d', db, '-c', sql], {
				env,
				timeoutMs: 30000,
			});
		const deadline = Date.now() + timeoutMs;
		let ready = false;
		while (child.exitInfo === undefined && Date.now() < deadline) {
			const probe = await capture(path.join(bin, 'pg_isready'), ['-q', '-h', socketDir, '-p', String(port)], { env, timeoutMs: 5000 });
			if (probe.code === 0) {
				ready = true;
				break;
			}
			await sleep(150);
		}
		if (ready) {
			const quoted = password.replace(/'/g, "''");
			let failed;
			for (const sql of [`CREATE ROLE "${user}" LOGIN PASSWORD '${quoted}'`, `CREATE DATABASE "${database}" OWNER "${user}"`]) {
				const r = await psql(sql);
				if (r.code !== 0) {
					failed = `${sql}: ${r.stdout}${r.stderr}`;
					break;
				}
			}
			// The way n8n connects: TCP on 127.0.0.1 with the password.
			const tcp = failed
				? undefined
				: await capture(
						path.join(bin, 'psql'),
						['-X', '-q', '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-tAc', 'select 1'],
						{ env: { ...env, PGPASSWORD: password }, timeoutMs: 30000 },
					);
			if (!failed && tcp.code === 0 && tcp.stdout.trim() === '1') {
				log(`postgres on 127.0.0.1:${port} (pid ${child.pid}, database ${database}, user ${user}, folder ${home})`);
				let stopped;
				return {
					host: '127.0.0.1',
					port,
					user,
					password,
					database,
					dir: home,
					dataDir,
					socketDir,
					logFile,
					pid: child.pid,
					process: child,
					/** Runs SQL as the superuser over the unix socket: { code, stdout, stderr }. */
					psql: (sql, db = database) => psql(sql, 'postgres', db),
					stop: () =>
						(stopped ??= (async () => {
							await stopChild(child, 'SIGINT', 15000); // SIGINT: fast shutdown
							unregister();
							cleanup();
						})()),
				};
			}
			failed = failed || `TCP login as ${user} failed: ${tcp.stdout}${tcp.stderr}`;
			await stopChild(child, 'SIGINT', 10000);
			unregister();
			cleanup();
			throw new Error(`postgres: setting up database ${database} failed:\n${failed}\n${tail(logFile, 20)}`);
		}
		await stopChild(child, 'SIGQUIT', 2000);
		unregister();
		lastError = new Error(
			`postgres did not accept connections on port ${port} (${child.exitInfo !== undefined ? `exited ${child.exitInfo}` : `${timeoutMs / 1000} s`})\n${tail(logFile, 20)}`,
		);
		if (!/could not bind|Address already in use/i.test(tail(logFile, 20))) break;
	}
	cleanup();
	throw lastError;
}

module.exports = {
	ensureQueuePackages,
	missingQueuePackages,
	postgresBinDir,
	startRedis,
	startPostgres,
	redisPing,
	killOnExit,
	signalPid,
};
