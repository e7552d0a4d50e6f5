#!/usr/bin/env node
'use strict';
/**
 * `npm run scan`: n8n's verification scanner (@n8n/scan-community-package) on what would be published.
 * The scanner itself only downloads published packages from npm; its exported analyzePackage() is the
 * analysis it runs on them (ESLint with n8n's rule sets, inline `eslint-disable` comments ignored), run
 * here on the packed tarball (the same leg n8n runs) and on the source files a provenance statement
 * points it at. Exits 1 on any finding.
 *
 * Usage: npm run scan [-- --no-build]   (--no-build packs the current dist/ as it is)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, log, rmrf, capture } = require('./lib/util');
const { packPackage } = require('./lib/pack');

async function main() {
	const scanner = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veo-scan-'));
	try {
		const tarball = await packPackage(dir, { build: !process.argv.includes('--no-build') });
		const untar = await capture('tar', ['-xzf', tarball, '-C', dir]);
		if (untar.code !== 0) throw new Error(`tar -xzf ${tarball} failed: ${untar.stderr}`);
		const legs = [
			['the packed tarball', await scanner.analyzePackage(path.join(dir, 'package'))],
			['the source files', await scanner.analyzePackage(ROOT, scanner.SOURCE_FILE_PATTERNS)],
		];
		let failed = 0;
		for (const [what, result] of legs) {
			if (result.passed) log(`scan: ${what}: no findings`);
			else {
				failed++;
				log(`scan: ${what}: ${result.message}`);
				if (result.details) console.log(result.details);
			}
		}
		process.exitCode = failed ? 1 : 0;
	} finally {
		rmrf(dir);
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
