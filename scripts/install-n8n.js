#!/usr/bin/env node
'use strict';
// Installs the pinned n8n versions into the cache: `node scripts/install-n8n.js [1|2|all]`.
const { ensureN8n, defaultMajor, cacheRoot } = require('./lib/n8n-install');
const { log } = require('./lib/util');

async function main() {
	const arg = process.argv[2] || String(defaultMajor());
	const majors = arg === 'all' ? [1, 2] : [Number(arg)];
	log(`cache: ${cacheRoot()}`);
	for (const major of majors) {
		const install = await ensureN8n(major);
		log(`n8n ${install.profile.n8n} ready: ${install.n8nBin} (Node ${install.runtime.version})`);
	}
}

main().catch((error) => {
	console.error(error.message);
	process.exit(1);
});
