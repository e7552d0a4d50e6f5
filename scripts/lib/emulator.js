'use strict';
/**
 * Compiles the project's Veo API emulator (test/emulator/*.ts) to plain CommonJS with the
 * project's own TypeScript, so `npm start` and the e2e suite run it under plain node.
 */
const fs = require('node:fs');
const path = require('node:path');
const { ROOT, run } = require('./util');

const OUT_DIR = path.join(ROOT, 'node_modules', '.cache', 'veo-emulator');

async function buildEmulator() {
	const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
	fs.rmSync(OUT_DIR, { recursive: true, force: true });
	fs.mkdirSync(OUT_DIR, { recursive: true });
	const logFile = path.join(OUT_DIR, 'tsc.log');
	await run(
		process.execPath,
		[
			tsc,
			path.join(ROOT, 'test', 'emulator', 'VeoEmulator.ts'),
			path.join(ROOT, 'test', 'emulator', 'cli.ts'),
			path.join(ROOT, 'test', 'emulator', 'platformFiles.ts'),
			path.join(ROOT, 'test', 'emulator', 'promptTriggers.ts'),
			'--outDir', OUT_DIR,
			'--rootDir', path.join(ROOT, 'test', 'emulator'),
			'--module', 'commonjs',
			'--target', 'es2021',
			'--lib', 'es2022',
			'--types', 'node',
			'--strict',
			'--esModuleInterop',
			'--skipLibCheck',
		],
		{ cwd: ROOT, logFile, label: 'tsc (Veo emulator)', quiet: true },
	);
	// The files endpoint of the platform host is a second server, next to the Veo API; the prompt
	// triggers (#reject, #slow, #never) are what npm start documents.
	return {
		...require(path.join(OUT_DIR, 'VeoEmulator.js')),
		...require(path.join(OUT_DIR, 'platformFiles.js')),
		...require(path.join(OUT_DIR, 'promptTriggers.js')),
	};
}

module.exports = { buildEmulator, EMULATOR_BUILD_DIR: OUT_DIR };
