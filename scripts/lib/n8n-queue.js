'use strict';
/**
 * An n8n queue-mode cluster (n8n's own way to scale out) on one machine, for tests: one `n8n start`
 * main and N `n8n worker` processes that share one user folder (so one encryption key and one
 * community-package install), one PostgreSQL database and one Redis (see queue-services.js).
 *
 * Built on N8nInstance (n8n-instance.js): the main *is* an N8nInstance (CLI import, REST, owner
 * login, start/stop), and every worker is an N8nInstance too, whose env() builds the worker's
 * environment and whose stop() ends the worker's process group; only the `n8n worker` spawn and its
 * readiness wait live here.
 *
 *   const cluster = new N8nQueueCluster(install, userFolder, { redis, postgres });
 *   await cluster.installPackage(tarball);          // once: the folder is shared
 *   await cluster.main.importCredentials(file);     // CLI calls go to PostgreSQL too
 *   await cluster.start();                          // main on a free port, then the workers
 *   await cluster.main.ensureOwner({ email, password });
 *   ...                                             // cluster.main.rest(...), cluster.workerThatRan(id)
 *   await cluster.stop();
 *
 * Environment, with the n8n source it was checked against (1.123.81 and 2.41.1):
 * - EXECUTIONS_MODE=queue, QUEUE_BULL_REDIS_HOST/PORT (@n8n/config scaling-mode.config.js).
 * - DB_TYPE=postgresdb, DB_POSTGRESDB_HOST/PORT/DATABASE/USER/PASSWORD: the three processes share one
 *   database. Every command migrates at start (commands/base-command.js: dbConnection.migrate()); 2.x
 *   does it under a PostgreSQL advisory lock, 1.x without any, so on 1.x the main starts first and the
 *   workers after it is up unless the database was already migrated (see start()'s `order`).
 * - OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true: without it 1.x runs manual executions (editor's Execute,
 *   POST /rest/workflows/:id/run) on the main (workflow-runner.js: shouldEnqueue). 2.x reads the same
 *   variable in the same place; its breaking-changes rule says 3.x will always offload.
 * - Workers: QUEUE_HEALTH_CHECK_ACTIVE=true, QUEUE_HEALTH_CHECK_PORT=<free>, N8N_WORKER_SERVER_ADDRESS=
 *   127.0.0.1. A worker binds no N8N_PORT: its only HTTP server is scaling/worker-server.js, on
 *   queue.health.port (default 5678, i.e. the main's default port, hence one port each) and only when the
 *   health check, metrics or the credentials-overwrite endpoint is on. GET /healthz/readiness answers 200
 *   once DB and Redis are connected (2.x: and the worker took its queue, markAsReady()).
 * - N8N_RUNNERS_BROKER_PORT: with task runners on (always in 2.x; in 1.x only with N8N_RUNNERS_ENABLED=true)
 *   every process, main and each worker (needsTaskRunner), binds a task broker (default 5679): one free
 *   port each (N8nInstance.start() picks the main's).
 * - N8N_EVENTBUS_LOGWRITER_LOGBASENAME: all workers would write <n8nFolder>/n8nEventLog-worker.log
 *   (1.x message-event-bus.js appends '-worker'; 2.x resolve-event-log-path.js likewise) and replay it
 *   at start; one base name per worker keeps their event logs apart in the shared folder.
 * - WEBHOOK_URL / N8N_EDITOR_BASE_URL = the main's address on the workers too: the worker runs the
 *   execution, so $execution.resumeUrl and friends are computed there.
 * - Binary data: `binaryDataMode` 'filesystem' (default) or 'database'. filesystem: all processes use
 *   <userFolder>/.n8n/binaryData (or storage/ in 2.x) on this one machine, which is what the existing e2e
 *   suite reads byte for byte. database: the multi-machine mode; 2.x defaults to it in queue mode
 *   (n8n-core binary-data.config.js: mode ??= queue ? 'database' : 'filesystem') and always registers the
 *   database manager; 1.x registers it only when N8N_AVAILABLE_BINARY_DATA_MODES includes 'database'
 *   (base-command.js initBinaryDataService), so 1.x gets N8N_AVAILABLE_BINARY_DATA_MODES=filesystem,database
 *   (2.x deprecates that variable, so it is not set there).
 * - N8N_GRACEFUL_SHUTDOWN_TIMEOUT=10: stop() should not wait the default 30 s for a worker's jobs.
 *
 * Known and harmless here: inside a container n8n names every worker `worker-<hostname>` (n8n-core
 * instance-settings.js hostId; no variable overrides it), so 2.x's cluster check logs "Detected multiple
 * instances sharing the same hostId"; and 2.41 warns that PostgreSQL 15 (Debian 12's) is older than
 * the 16/17 it supports. Both are log lines only.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { N8nInstance, freePort } = require('./n8n-instance');
const { installCommunityPackage } = require('./n8n-install');
const { killOnExit } = require('./queue-services');
const { log, sleep, tail } = require('./util');

const WORKER_READY_LINE = 'n8n worker is now ready';

/** SIGKILL to a detached child's whole process group (n8n and its task runner). */
function killGroupSync(pid) {
	if (!pid) return;
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		/* gone */
	}
}

class N8nQueueCluster {
	/**
	 * @param install from ensureN8n()
	 * @param userFolder the N8N_USER_FOLDER all processes share
	 * @param options {
	 *   redis: { host, port },                                   from startRedis()
	 *   postgres: { host, port, user, password, database },      from startPostgres()
	 *   workers = 2, concurrency = 1,                            `n8n worker --concurrency=<n>`
	 *   binaryDataMode = 'filesystem' | 'database',
	 *   encryptionKey, env (extra env for all processes), logDir (default userFolder) }
	 */
	constructor(install, userFolder, options = {}) {
		const { redis, postgres } = options;
		if (!redis?.port) throw new Error('N8nQueueCluster: options.redis { host, port } is required');
		if (!postgres?.port) throw new Error('N8nQueueCluster: options.postgres { host, port, user, password, database } is required');
		this.install = install;
		this.userFolder = userFolder;
		this.workerCount = options.workers ?? 2;
		this.concurrency = options.concurrency ?? 1;
		this.binaryDataMode = options.binaryDataMode || 'filesystem';
		if (!['filesystem', 'database'].includes(this.binaryDataMode)) {
			throw new Error(`N8nQueueCluster: binaryDataMode must be 'filesystem' or 'database' (got ${this.binaryDataMode})`);
		}
		this.logDir = options.logDir || userFolder;
		fs.mkdirSync(this.logDir, { recursive: true });
		this.sharedEnv = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host || '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database || 'n8n',
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host || '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			N8N_DEFAULT_BINARY_DATA_MODE: this.binaryDataMode,
			...(install.profile.major < 2 ? { N8N_AVAILABLE_BINARY_DATA_MODES: 'filesystem,database' } : {}),
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '10',
			...(options.env || {}),
		};
		this.encryptionKey = options.encryptionKey;
		/** The main: an ordinary N8nInstance with the queue env (CLI calls, REST, owner, start/stop). */
		this.main = new N8nInstance(install, userFolder, {
			encryptionKey: this.encryptionKey,
			env: this.sharedEnv,
			logFile: path.join(this.logDir, 'n8n-main.log'),
		});
		// Any successful CLI call has migrated the database: then all processes may start at once.
		this.dbMigrated = false;
		const cli = this.main.cli.bind(this.main);
		this.main.cli = async (...args) => {
			const result = await cli(...args);
			if (result.code === 0) this.dbMigrated = true;
			return result;
		};
		/** Workers: { name, index, instance, healthPort, brokerPort, logFile, pid } (filled by start()). */
		this.workers = [];
		this.unregister = [];
	}

	get version() {
		return this.install.profile.n8n;
	}

	get baseUrl() {
		return this.main.baseUrl;
	}

	/** Log files: { main, workers: [..] }. */
	get logFiles() {
		return {
			main: this.main.logFile,
			workers: Array.from({ length: this.workerCount }, (_, i) => this.workerLogFile(i + 1)),
		};
	}

	workerLogFile(index) {
		return path.join(this.logDir, `n8n-worker-${index}.log`);
	}

	/** Installs the packed tarball as a community package in the shared user folder (all processes load it). */
	async installPackage(tarball) {
		return installCommunityPackage(this.install, this.userFolder, tarball, this.main.logFile);
	}

	/**
	 * Starts the main (`n8n start` on `port` or a free port) and the workers; resolves with the main's
	 * base URL once the main answers GET /rest/settings with its settings (JSON; see N8nInstance.start())
	 * and every worker logged that it is ready and
	 * answers GET /healthz/readiness 200. order: 'auto' (default: all at once on 2.x, or on 1.x when a CLI
	 * call or an earlier start already migrated the database; else the main first), 'main-first' or
	 * 'parallel'. On failure everything started is stopped again and the error carries the log tails.
	 */
	async start({ port, timeoutMs = 240000, order = 'auto' } = {}) {
		const alive = (child) => child && child.exitCode === null && child.signalCode === null;
		if (alive(this.main.server) || this.workers.some((w) => alive(w.instance.server))) throw new Error('N8nQueueCluster: already running');
		this.main.server = undefined;
		this.workers = [];
		const mainPort = port || (await freePort());
		const mainUrl = `http://127.0.0.1:${mainPort}`;
		this.unregister.push(killOnExit(() => killGroupSync(this.main.server?.pid)));
		for (let i = 1; i <= this.workerCount; i++) {
			const healthPort = await freePort();
			const brokerPort = await freePort();
			const instance = new N8nInstance(this.install, this.userFolder, {
				encryptionKey: this.encryptionKey,
				env: {
					...this.sharedEnv,
					WEBHOOK_URL: `${mainUrl}/`,
					N8N_EDITOR_BASE_URL: mainUrl,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
					N8N_RUNNERS_BROKER_PORT: String(brokerPort),
					N8N_EVENTBUS_LOGWRITER_LOGBASENAME: `n8nEventLog-w${i}`,
				},
				logFile: this.workerLogFile(i),
			});
			const worker = { name: `worker-${i}`, index: i, instance, healthPort, brokerPort, logFile: instance.logFile, pid: undefined };
			this.workers.push(worker);
			this.unregister.push(killOnExit(() => killGroupSync(worker.instance.server?.pid)));
		}
		// 2.x migrates PostgreSQL under an advisory lock (@n8n/db connection/db-connection.js
		// migrateWithAdvisoryLock); 1.x does not: three 1.x processes migrating one fresh database at once
		// fail ('relation "pk_workflow_entity_id" already exists', seen here).
		const parallel = order === 'parallel' || (order === 'auto' && (this.dbMigrated || this.install.profile.major >= 2));
		/** How the last start() went: 'parallel' or 'main-first'. */
		this.startedAs = parallel ? 'parallel' : 'main-first';
		const started = Date.now();
		try {
			if (parallel) {
				await Promise.all([this.main.start({ port: mainPort, timeoutMs }), ...this.workers.map((w) => this.startWorker(w, timeoutMs))]);
			} else {
				await this.main.start({ port: mainPort, timeoutMs });
				this.dbMigrated = true;
				log(`  n8n ${this.version} queue main up on ${mainUrl} (${Math.round((Date.now() - started) / 1000)} s); starting ${this.workerCount} workers…`);
				await Promise.all(this.workers.map((w) => this.startWorker(w, timeoutMs)));
			}
		} catch (error) {
			const tails = this.logTails(25);
			await this.stop().catch(() => {});
			error.message += `\n${tails}`;
			throw error;
		}
		this.dbMigrated = true;
		log(
			`  n8n ${this.version} queue cluster up in ${Math.round((Date.now() - started) / 1000)} s` +
				` (${parallel ? 'all at once' : 'main first'}): main ${mainUrl}, ` +
				this.workers.map((w) => `${w.name} pid ${w.pid} health :${w.healthPort}`).join(', '),
		);
		return mainUrl;
	}

	/** Spawns `n8n worker --concurrency=<n>` (its own process group) and waits until it is ready. */
	async startWorker(worker, timeoutMs) {
		const { instance } = worker;
		const env = instance.env();
		const out = fs.openSync(instance.logFile, 'a');
		const logStart = fs.fstatSync(out).size;
		fs.writeSync(out, `\n$ n8n worker --concurrency=${this.concurrency} (health port ${worker.healthPort}, broker port ${worker.brokerPort})\n`);
		const child = spawn(this.install.runtime.nodeBin, [this.install.n8nBin, 'worker', `--concurrency=${this.concurrency}`], {
			env,
			cwd: this.userFolder,
			stdio: ['ignore', out, out],
			detached: true, // its own process group: N8nInstance.stop() ends the task runner child too
		});
		fs.closeSync(out);
		instance.server = child; // so that instance.stop() stops this worker
		instance.baseUrl = `http://127.0.0.1:${worker.healthPort}`;
		worker.pid = child.pid;
		let exited;
		child.on('exit', (code, signal) => {
			exited = code ?? signal;
		});
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (exited !== undefined) throw new Error(`n8n worker ${worker.name} exited early (${exited})`);
			const text = readFrom(instance.logFile, logStart);
			if (text.includes(WORKER_READY_LINE)) {
				try {
					const res = await fetch(`${instance.baseUrl}/healthz/readiness`, { signal: AbortSignal.timeout(3000) });
					if (res.status === 200) return;
				} catch {
					/* its server is not listening yet */
				}
			}
			await sleep(500);
		}
		throw new Error(`n8n worker ${worker.name} was not ready within ${timeoutMs / 1000} s`);
	}

	/** Stops the workers and the main (SIGTERM to each process group, SIGKILL after 20 s). */
	async stop() {
		await Promise.all([...this.workers.map((w) => w.instance.stop()), this.main.stop()]);
		for (const unregister of this.unregister.splice(0)) unregister();
	}

	/**
	 * Which worker ran an execution: the name of the worker whose log says
	 * "Worker started execution <id> (job …)", or undefined. Also tells whether the main enqueued it.
	 */
	whoRan(executionId) {
		const started = new RegExp(`Worker started execution ${executionId} \\(job`);
		const finished = new RegExp(`Worker finished execution ${executionId} \\(job`);
		const ranBy = this.workers.filter((w) => started.test(readFrom(w.logFile, 0))).map((w) => w.name);
		const finishedBy = this.workers.filter((w) => finished.test(readFrom(w.logFile, 0))).map((w) => w.name);
		const mainLog = readFrom(this.main.logFile, 0);
		return {
			workers: ranBy,
			finishedBy,
			enqueuedByMain: new RegExp(`Enqueued execution ${executionId} \\(job`).test(mainLog),
			mainRanIt: started.test(mainLog),
		};
	}

	/** The worker (name) that ran an execution, or undefined. */
	workerThatRan(executionId) {
		return this.whoRan(executionId).workers[0];
	}

	logTails(lines = 40) {
		return [this.main.logFile, ...this.workers.map((w) => w.logFile)]
			.map((f) => `--- last ${lines} lines of ${f} ---\n${tail(f, lines)}`)
			.join('\n');
	}
}

/** The text of `file` from byte `offset` on ('' when it does not exist). */
function readFrom(file, offset) {
	try {
		return fs.readFileSync(file).subarray(offset).toString('utf8');
	} catch {
		return '';
	}
}

/**
 * Convenience: a cluster with the package installed and started.
 * startQueueCluster({ install, userFolder, tarball, redis, postgres, ...N8nQueueCluster options, port, timeoutMs, order })
 */
async function startQueueCluster({ install, userFolder, tarball, port, timeoutMs, order, ...options }) {
	const cluster = new N8nQueueCluster(install, userFolder, options);
	if (tarball) await cluster.installPackage(tarball);
	await cluster.start({ port, timeoutMs, order });
	return cluster;
}

module.exports = { N8nQueueCluster, startQueueCluster, WORKER_READY_LINE };
