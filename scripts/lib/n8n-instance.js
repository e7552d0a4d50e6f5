'use strict';
/**
 * Drives one n8n installation with one user folder: CLI calls (import, execute) and a server
 * (`n8n start`) with headless owner set-up and REST calls. See shared/n8n-community-node.md.
 */
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { capture, jsonOrText, log, sleep, tail } = require('./util');

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** The JSON document that `n8n execute --rawOutput` prints after its log lines. */
function parseExecuteOutput(stdout) {
	const starts = [];
	const re = /^[{[]/gm;
	let m;
	while ((m = re.exec(stdout))) starts.push(m.index);
	for (const start of starts) {
		const text = stdout.slice(start).trim();
		try {
			return JSON.parse(text);
		} catch {
			// Some trailing log lines may follow: try the longest prefix that ends with } or ].
			for (let end = text.length; end > 0; end = text.lastIndexOf('\n', end - 1)) {
				const chunk = text.slice(0, end).trim();
				if (!/[}\]]$/.test(chunk)) continue;
				try {
					return JSON.parse(chunk);
				} catch {
					/* keep looking */
				}
			}
		}
	}
	return undefined;
}

class N8nInstance {
	/**
	 * @param install from ensureN8n()
	 * @param userFolder N8N_USER_FOLDER (n8n keeps its data in <userFolder>/.n8n)
	 * @param options { encryptionKey, env, logFile }
	 */
	constructor(install, userFolder, options = {}) {
		this.install = install;
		this.userFolder = userFolder;
		this.encryptionKey = options.encryptionKey || 'veo-local-encryption-key-0123456789';
		this.extraEnv = options.env || {};
		this.logFile = options.logFile || path.join(userFolder, 'n8n.log');
		this.server = undefined;
		this.cookie = undefined;
		this.browserId = 'veo-headless-browser-id';
		fs.mkdirSync(userFolder, { recursive: true });
	}

	get version() {
		return this.install.profile.n8n;
	}

	env(extra = {}) {
		return {
			...this.install.env,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			// isolated-vm is not built (installed with --ignore-scripts): use the classic expression engine.
			N8N_EXPRESSION_ENGINE: 'legacy',
			N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_RUNNERS_MODE: 'internal',
			DB_SQLITE_POOL_SIZE: '2',
			// 2.x calls out to an MCP registry at start; 1.x does not know the module and refuses it.
			...(this.install.profile.major >= 2 ? { N8N_DISABLED_MODULES: 'mcp-registry' } : {}),
			...this.extraEnv,
			...extra,
		};
	}

	/** One n8n CLI call with its own task-broker port. Output is appended to the instance log. */
	async cli(args, { timeoutMs = 300000 } = {}) {
		const env = this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
		const result = await capture(this.install.runtime.nodeBin, [this.install.n8nBin, ...args], { env, timeoutMs, cwd: this.userFolder });
		fs.appendFileSync(this.logFile, `\n$ n8n ${args.join(' ')}  (exit ${result.code})\n${result.stdout}${result.stderr}`);
		return result;
	}

	/** `n8n execute --id <id> --rawOutput`: { code, run (parsed JSON or undefined), stdout, stderr }. */
	async execute(workflowId, opts) {
		const result = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], opts);
		return { ...result, run: parseExecuteOutput(result.stdout) };
	}

	async importCredentials(file) {
		return this.expectOk(await this.cli(['import:credentials', `--input=${file}`]), 'import:credentials');
	}

	async importWorkflows(dirOrFile) {
		const isDir = fs.statSync(dirOrFile).isDirectory();
		const args = ['import:workflow', `--input=${dirOrFile}`];
		if (isDir) args.push('--separate');
		return this.expectOk(await this.cli(args), 'import:workflow');
	}

	expectOk(result, what) {
		if (result.code !== 0) {
			throw new Error(`n8n ${what} failed (exit ${result.code}):\n${tail2(result.stdout + result.stderr)}`);
		}
		return result;
	}

	// ----- server -----

	/** Starts `n8n start` and resolves once its REST API answers. */
	async start({ port, host = '127.0.0.1', timeoutMs = 240000, onOutput } = {}) {
		this.port = port || (await freePort());
		this.baseUrl = `http://${host}:${this.port}`;
		const env = this.env({
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: host,
			N8N_HOST: host,
			N8N_EDITOR_BASE_URL: `http://${host}:${this.port}`,
			WEBHOOK_URL: `http://${host}:${this.port}/`,
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		});
		const out = fs.openSync(this.logFile, 'a');
		fs.writeSync(out, `\n$ n8n start (port ${this.port})\n`);
		const child = spawn(this.install.runtime.nodeBin, [this.install.n8nBin, 'start'], {
			env,
			cwd: this.userFolder,
			stdio: ['ignore', onOutput ? 'pipe' : out, onOutput ? 'pipe' : out],
			detached: true, // its own process group, so stop() ends the task runner child too
		});
		if (onOutput) {
			for (const stream of [child.stdout, child.stderr]) {
				stream.on('data', (d) => {
					fs.writeSync(out, d);
					onOutput(String(d));
				});
			}
		}
		this.server = child;
		let exited;
		child.on('exit', (code, signal) => {
			exited = code ?? signal;
			fs.closeSync(out);
		});
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (exited !== undefined) throw new Error(`n8n start exited early (${exited})\n${this.logTail()}`);
			try {
				// Not just any 200: while it starts, n8n 2.x answers every request `200 n8n is starting up.
				// Please wait` (text), then 404 for a moment; the REST API is up once the settings come as JSON.
				const res = await fetch(`${this.baseUrl}/rest/settings`, { signal: AbortSignal.timeout(3000) });
				const text = await res.text();
				if (res.status === 200 && isSettings(text)) return this.baseUrl;
			} catch {
				/* not up yet */
			}
			await sleep(1000);
		}
		throw new Error(`n8n start did not answer /rest/settings within ${timeoutMs / 1000} s\n${this.logTail()}`);
	}

	async stop(timeoutMs = 20000) {
		const child = this.server;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once('exit', resolve));
		try {
			process.kill(-child.pid, 'SIGTERM');
		} catch {
			child.kill('SIGTERM');
		}
		const timer = setTimeout(() => {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				/* gone */
			}
		}, timeoutMs);
		await exited;
		clearTimeout(timer);
		this.server = undefined;
	}

	logTail(lines = 40) {
		return `--- last ${lines} lines of ${this.logFile} ---\n${tail(this.logFile, lines)}`;
	}

	/** REST call with the owner's cookie. Returns { status, body, headers }. */
	async rest(method, urlPath, body) {
		const headers = { 'browser-id': this.browserId, accept: 'application/json' };
		if (body !== undefined) headers['content-type'] = 'application/json';
		if (this.cookie) headers.cookie = this.cookie;
		const res = await fetch(`${this.baseUrl}${urlPath}`, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60000),
		});
		const setCookie = res.headers.get('set-cookie');
		const auth = setCookie && /n8n-auth=[^;]+/.exec(setCookie);
		if (auth) this.cookie = auth[0];
		return { status: res.status, body: jsonOrText(await res.text()), headers: res.headers };
	}

	/** Creates the owner account (first run) or logs in (later runs). */
	async ensureOwner({ email, password, firstName = 'Veo', lastName = 'Tester' }) {
		const settings = await this.rest('GET', '/rest/settings');
		const needsSetup = settings.body?.data?.userManagement?.showSetupOnFirstLoad;
		if (needsSetup !== false) {
			const res = await this.rest('POST', '/rest/owner/setup', { email, password, firstName, lastName });
			if (res.status === 200) return 'created';
			if (needsSetup === true) throw new Error(`owner setup failed: ${res.status} ${JSON.stringify(res.body)}`);
		}
		// n8n 1.x logs in with `email`, 2.x with `emailOrLdapLoginId`: send both.
		const login = await this.rest('POST', '/rest/login', { email, emailOrLdapLoginId: email, password });
		if (login.status !== 200) throw new Error(`login as ${email} failed: ${login.status} ${JSON.stringify(login.body)}`);
		return 'logged-in';
	}
}

/** Whether a GET /rest/settings answer is the settings document ({ data: {...} }), not a start-up page. */
function isSettings(text) {
	try {
		const body = JSON.parse(text);
		return typeof body?.data === 'object' && body.data !== null;
	} catch {
		return false;
	}
}

function tail2(text, lines = 40) {
	return text.split('\n').slice(-lines).join('\n');
}

module.exports = { N8nInstance, freePort, parseExecuteOutput };
